package io.tidemark.bench;

import io.tidemark.app.S3Clients;
import io.tidemark.restore.Restore;
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
 * target (schema, parallel load, deferred indexes, the check against the manifest; the
 * repository holds no change bundles, so replay is empty). The server's start is not timed.
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

  @Option(names = "--load-data", description = "load with LOAD DATA (opt-in), not INSERTs")
  boolean loadData;

  @Option(names = "--out", required = true, description = "results file (key=value lines)")
  Path out;

  @Override
  public Integer call() throws Exception {
    RestoreSettings settings = new RestoreSettings(SnapshotBench.BUCKET, "bench", null,
        new RestoreSettings.Target("127.0.0.1", targetPort, user, password), threads);
    if (loadData) {
      settings = settings.withLoadData();
    }
    try (S3Server server = S3Server.builder().filesystem(s3Dir)
            .credentials("bench", "bench-secret").start();
        S3Client s3 = S3Clients.forEndpoint(server.endpoint(), server.region(),
            server.accessKey(), server.secretKey())) {
      ThreadCpu cpu = ThreadCpu.start();
      long started = System.nanoTime();
      Restore.Result result = new Restore(settings, s3).run();
      double seconds = (System.nanoTime() - started) / 1e9;
      log.info("restored {} rows in {} s", result.snapshotRows(), seconds);
      new Results().put("tool", loadData ? "tidemark-loaddata" : "tidemark-insert")
          .put("threads", threads).put("rows", result.snapshotRows()).put("seconds", seconds)
          .put("rows_per_s", result.snapshotRows() / seconds)
          .put("jvm_cpu_cores", cpu.processCores()).write(out);
    }
    return 0;
  }
}
