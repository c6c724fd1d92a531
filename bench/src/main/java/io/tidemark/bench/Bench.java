package io.tidemark.bench;

import java.util.concurrent.Callable;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The capture benchmarks, run on demand by {@code bench/run.sh} (never by {@code mvn verify}).
 * Each subcommand runs against a source sandbox that already holds the benchmark dataset, starts
 * its own in-JVM Kafka broker, and writes its results as {@code key=value} lines to
 * {@code --out}.
 */
@Command(name = "tidemark-bench", mixinStandardHelpOptions = true,
    description = "Capture benchmarks: commit→Kafka latency, throughput and catch-up under a"
        + " sysbench write load; snapshot rows/s into Kafka and into S3; sink events/s; restore"
        + " rows/s.",
    subcommands = {CaptureBench.class, SnapshotBench.class, SinkBench.class, RestoreBench.class})
public final class Bench implements Callable<Integer> {

  public static void main(String[] args) {
    // The app jar on the class path brings its own logback.xml; the bench uses its own.
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "bench-logback.xml");
    }
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    System.exit(new CommandLine(new Bench()).execute(args));
  }

  @Override
  public Integer call() {
    CommandLine.usage(this, System.out);
    return 2;
  }
}
