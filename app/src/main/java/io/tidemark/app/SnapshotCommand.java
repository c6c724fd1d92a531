package io.tidemark.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidemark.app.config.ConfigKey;
import io.tidemark.app.config.ConfigReader;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "snapshot", mixinStandardHelpOptions = true,
    description = "Asks the running `tidemark run` of the source to take a consistent snapshot"
        + " now, and waits until its manifest is in the repository (the snapshot is then"
        + " restorable).")
final class SnapshotCommand implements Callable<Integer> {
  private static final Duration POLL = Duration.ofSeconds(1);

  @Mixin ConfigOptions config;

  @Option(names = "--http", paramLabel = "HOST:PORT",
      description = "where the running process serves its status API (TIDEMARK_HTTP)")
  String http;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "PT12H",
      description = "longest wait, ISO-8601 (default: ${DEFAULT-VALUE})")
  Duration timeout;

  @Option(names = "--no-wait", description = "return once the snapshot is in Kafka, before"
      + " the sinks wrote its manifest")
  boolean noWait;

  @Override
  public Integer call() throws Exception {
    ConfigReader reader = config.read(ConfigOptions.flags(ConfigKey.HTTP, http));
    URI base = HttpCommands.base(reader);
    reader.check();
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonNode taken = StatusApi.JSON.readTree(
        HttpCommands.call(base, "POST", "/snapshot", timeout));
    String id = taken.path("snapshot_id").asText();
    System.out.println("snapshot " + id + " taken at " + taken.path("position").asText());
    if (noWait) {
      return ExitCodes.OK;
    }
    while (!listed(base, id)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("snapshot " + id + " is in Kafka but its manifest did"
            + " not reach the repository within " + timeout + "; see `tidemark status`");
      }
      SystemClock.sleep(POLL);
    }
    System.out.println("snapshot " + id + " is in the repository");
    return ExitCodes.OK;
  }

  private static boolean listed(URI base, String id) throws Exception {
    for (JsonNode s : StatusApi.JSON.readTree(
        HttpCommands.call(base, "GET", "/backups", Duration.ofMinutes(1))).path("snapshots")) {
      if (s.path("id").asText().equals(id)) {
        return true;
      }
    }
    return false;
  }
}
