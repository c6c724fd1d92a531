package io.tidemark.app;

import static org.awaitility.Awaitility.await;

import io.tidemark.capture.CaptureSettings;
import io.tidemark.capture.SnapshotSettings;
import io.tidemark.restore.BundleCatalog;
import io.tidemark.schemas.GtidSet;
import io.tidemark.schemas.SourcePosition;
import io.tidemark.schemas.TopicNames;
import io.tidemark.sinks.FlushPolicy;
import io.tidemark.sinks.SinkSettings;
import io.tidemark.testkit.KafkaBroker;
import io.tidemark.testkit.MariaDbServer;
import io.tidemark.testkit.S3Server;
import io.tidemark.testkit.Services;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Capture's heartbeats reach every partition, so the archive's reach (the lowest of the
 * partitions' newest durable positions) follows the source even when all writes hash to one
 * partition and the others stay quiet.
 */
class WatermarkIT {
  private static KafkaBroker kafka;
  private static S3Server s3Server;
  private static MariaDbServer source;
  private static S3Client s3;

  @BeforeAll
  static void startServices() {
    kafka = KafkaBroker.start();
    s3Server = S3Server.builder().credentials("watermark", "watermark-secret").start();
    source = MariaDbServer.builder().serverId(51).start();
    source.createCaptureUser("tidemark", "capture-pw");
    s3 = S3Clients.forEndpoint(s3Server.endpoint(), s3Server.region(), s3Server.accessKey(),
        s3Server.secretKey());
  }

  @AfterAll
  static void stopServices() {
    Services.closeAll(s3, source, s3Server, kafka);
  }

  @TempDir Path spool;

  @Test
  void quietPartitionsDoNotHoldTheRecoverablePointBack() throws Exception {
    String db = source.createDatabase("quiet");
    String bucket = "quiet-" + UUID.randomUUID().toString().substring(0, 8);
    s3Server.createBucket(bucket);
    source.execute("CREATE TABLE " + db + ".one (id INT PRIMARY KEY, n INT)",
        "INSERT INTO " + db + ".one VALUES (1, 0)");
    TopicNames topics = new TopicNames("quiet" + UUID.randomUUID().toString().substring(0, 6));
    CaptureSettings capture = new CaptureSettings(topics, "127.0.0.1", source.port(), "tidemark",
        "capture-pw", 5451, List.of(db), kafka.bootstrapServers(), 4, (short) 1,
        Duration.ofMillis(50), Duration.ofMillis(200));
    SinkSettings sink = SinkSettings.defaults(topics, kafka.bootstrapServers(), bucket, "repo")
        .withFlush(new FlushPolicy(1_000, 16L << 20, Duration.ofMillis(500)));
    try (Pipeline pipeline = Pipeline.start(capture, SnapshotSettings.DEFAULT, sink, s3, spool,
        1L << 30)) {
      pipeline.snapshotNow(Duration.ofSeconds(60));
      for (int i = 1; i <= 20; i++) { // one row, so one partition of four gets every change
        source.execute("UPDATE " + db + ".one SET n = " + i + " WHERE id = 1");
      }
      GtidSet last = GtidSet.parse(source.queryValue("SELECT @@gtid_binlog_pos"));
      await().atMost(90, TimeUnit.SECONDS).until(() -> {
        List<SourcePosition> reach = BundleCatalog.read(s3, bucket, "repo").newestPositions(s3);
        return reach.size() == 4 && reach.stream().min(Comparator.naturalOrder())
            .map(p -> p.gtid() != null && GtidSet.parse(p.gtid()).covers(last)).orElse(false);
      });
    }
  }
}
