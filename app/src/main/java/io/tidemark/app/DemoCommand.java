package io.tidemark.app;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"The embedded default, end to end, in one command: an in-JVM Kafka broker and"
        + " S3 server, a sandbox MariaDB with sample data under a write load, the pipeline"
        + " archiving it, then a restore into a fresh sandbox, verified table by table.",
        "Needs no configuration and no running services."})
final class DemoCommand implements Callable<Integer> {
  @Option(names = "--transactions", defaultValue = "3000",
      description = "source transactions in the write load (default: ${DEFAULT-VALUE})")
  int transactions;

  @Override
  public Integer call() throws Exception {
    if (transactions < 1) {
      throw new CommandLine.ParameterException(new CommandLine(this),
          "--transactions must be at least 1, not " + transactions);
    }
    return new Demo(System.out, transactions).run();
  }
}
