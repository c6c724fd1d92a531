package io.tidemark.bench;

import io.tidemark.app.S3Clients;
import io.tidemark.restore.Restore;
import io.tidemark.restore.RestoreProgress;
import io.tidemark.restore.RestoreSettings;
import io.tidemark.testkit.S3Server;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A Tidemark restore, timed: the snapshot that {@code snapshot --target s3 --keep-s3} left in a
 * filesystem-backed S3 directory, served again by an in-JVM S3 server, restored into a fresh
 * target: schema, parallel load, deferred indexes and the check against the manifest timed as
 * the load (the index rebuild and check also apart); then the replay of the change bundles
 * {@code snapshot --write-seconds} archived, if any, timed on its own. Peak heap and RSS of the process are recorded. The server's start is
 * not timed.
 */
@Command(name = "restore", mixinStandardHelpOptions = true,
    description = "Restore rows/s of a snapshot kept by `snapshot --target s3 --keep-s3`.")
final class RestoreBench implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(RestoreBench.class);

  @Option(names = "--s3-dir", required = true, description = "the kept S3 store")
  Path s3Dir;

  @Option(names = "--target-port", required = true, description = "a fresh target sandbox")
  int targetPort;

  @Option(names = "--user", defaultValue = "bench", description = "target user")
  String user;

  @Option(names = "--password", defaultValue = "benchpw", description = "target password")
  String password;

  @Option(names = "--threads", defaultValue = "2", description = "load connections")
  int threads;

  @Option(names = "--inserts", description = "load with multi-row INSERTs, not LOAD DATA")
  boolean inserts;

  @Option(names = "--out", required = true, description = "results file (key=value lines)")
  Path out;

  @Override
  public Integer call() throws Exception {
    RestoreSettings settings = new RestoreSettings(SnapshotBench.BUCKET, "bench", null,
        new RestoreSettings.Target("127.0.0.1", targetPort, user, password), threads);
    if (inserts) {
      settings = settings.withInsertsOnly();
    }
    try (S3Server server = S3Server.builder().filesystem(s3Dir)
            .credentials("bench", "bench-secret").start();
        S3Client s3 = S3Clients.forEndpoint(server.endpoint(), server.region(),
            server.accessKey(), server.secretKey())) {
      ThreadCpu cpu = ThreadCpu.start();
      Restore restore = new Restore(settings, s3);
      PhaseClock phases = PhaseClock.watch(restore.progress());
      Restore.Result result = restore.run();
      phases.close();
      double load = phases.seconds(RestoreProgress.Phase.SCHEMA, RestoreProgress.Phase.REPLAY);
      double check = phases.seconds(RestoreProgress.Phase.CHECK, RestoreProgress.Phase.REPLAY);
      double replay = phases.seconds(RestoreProgress.Phase.REPLAY, RestoreProgress.Phase.DONE);
      log.info("restored {} rows in {} s, replayed {} events in {} s", result.snapshotRows(),
          load, result.events(), replay);
      new Results().put("tool", inserts ? "tidemark-insert" : "tidemark-loaddata")
          .put("threads", threads).put("rows", result.snapshotRows()).put("seconds", load)
          .put("rows_per_s", result.snapshotRows() / load).put("check_seconds", check)
          .put("replay_events", result.events()).put("replay_transactions", result.transactions())
          .put("replay_seconds", replay)
          .put("replay_events_per_s", result.events() == 0 ? 0 : result.events() / replay)
          .put("jvm_cpu_cores", cpu.processCores())
          .put("heap_peak_mib", PhaseClock.heapPeakMib())
          .put("rss_peak_mib", PhaseClock.rssPeakMib()).write(out);
    }
    return 0;
  }
}
