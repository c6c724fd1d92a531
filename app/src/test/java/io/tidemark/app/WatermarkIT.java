package io.tidemark.app;

import static org.awaitility.Awaitility.await;

import io.tidemark.capture.SnapshotSettings;
import io.tidemark.schemas.GtidSet;
import io.tidemark.schemas.TopicNames;
import io.tidemark.sinks.FlushPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Capture's heartbeats reach every partition, so the archive's reach (the lowest of the
 * partitions' newest durable positions) follows the source even when all writes hash to one
 * partition and the others stay quiet.
 */
class WatermarkIT {
  @RegisterExtension
  static final ArchiveServices services =
      ArchiveServices.withCredentials("watermark", "watermark-secret").source(51).captureUser();

  @TempDir Path spool;

  @Test
  void quietPartitionsDoNotHoldTheRecoverablePointBack() throws Exception {
    String db = services.source().createDatabase("quiet");
    String bucket = services.freshBucket("quiet");
    services.source().execute("CREATE TABLE " + db + ".one (id INT PRIMARY KEY, n INT)",
        "INSERT INTO " + db + ".one VALUES (1, 0)");
    TopicNames topics = ArchiveServices.freshTopics("quiet");
    try (Pipeline pipeline = Pipeline.start(services.capture(topics, 5451, db, 4),
        SnapshotSettings.DEFAULT, services.sink(topics, bucket)
            .withFlush(new FlushPolicy(1_000, 16L << 20, Duration.ofMillis(500))),
        services.s3(), spool, 1L << 30)) {
      pipeline.snapshotNow(Duration.ofSeconds(60));
      for (int i = 1; i <= 20; i++) { // one row, so one partition of four gets every change
        services.source().execute("UPDATE " + db + ".one SET n = " + i + " WHERE id = 1");
      }
      GtidSet last = GtidSet.parse(services.source().queryValue("SELECT @@gtid_binlog_pos"));
      await().atMost(90, TimeUnit.SECONDS)
          .until(() -> services.archiveReaches(bucket, "repo", 4, last));
    }
  }
}
