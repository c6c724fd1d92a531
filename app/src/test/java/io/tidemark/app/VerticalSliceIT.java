package io.tidemark.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.capture.CaptureSettings;
import io.tidemark.capture.SnapshotSettings;
import io.tidemark.restore.BundleCatalog;
import io.tidemark.restore.Restore;
import io.tidemark.restore.RestoreSettings;
import io.tidemark.restore.TableChecksums;
import io.tidemark.schemas.BundleContent;
import io.tidemark.schemas.BundleReader;
import io.tidemark.schemas.TopicNames;
import io.tidemark.schemas.avro.ChangeEvent;
import io.tidemark.schemas.avro.Operation;
import io.tidemark.sinks.FlushPolicy;
import io.tidemark.sinks.SinkSettings;
import io.tidemark.testkit.KafkaBroker;
import io.tidemark.testkit.MariaDbServer;
import io.tidemark.testkit.S3Server;
import io.tidemark.testkit.Services;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * One table's rows travel the whole flow, every stage real: source MariaDB → capture (snapshot,
 * then insert/update/delete from the binlog) → Kafka → sink → Avro bundle in S3 → restore into a
 * second, fresh MariaDB. Both servers must then agree row for row and by CHECKSUM TABLE.
 */
class VerticalSliceIT {
  private static KafkaBroker kafka;
  private static S3Server s3Server;
  private static MariaDbServer source;
  private static MariaDbServer target;
  private static S3Client s3;

  @BeforeAll
  static void startServices() {
    kafka = KafkaBroker.start();
    s3Server = S3Server.builder().credentials("slice-key", "slice-secret").start();
    source = MariaDbServer.builder().serverId(1).timeZone("+02:00").start();
    target = MariaDbServer.builder().serverId(2).start();
    s3 = S3Clients.forEndpoint(s3Server.endpoint(), s3Server.region(), s3Server.accessKey(),
        s3Server.secretKey());
  }

  @AfterAll
  static void stopServices() {
    Services.closeAll(s3, target, source, s3Server, kafka);
  }

  @TempDir Path spool;

  @Test
  void rowsOfASourceTableArriveInAFreshServerThroughKafkaAndS3() throws Exception {
    String db = source.createDatabase("slice");
    String bucket = "slice-" + UUID.randomUUID().toString().substring(0, 8);
    s3Server.createBucket(bucket);
    source.createCaptureUser("tidemark", "capture-pw");
    source.execute(
        "CREATE TABLE " + db + ".item (id INT PRIMARY KEY, name VARCHAR(40), price DECIMAL(12,4),"
            + " seen DATETIME(6), stamp TIMESTAMP(3) NULL, data BLOB)",
        "INSERT INTO " + db + ".item VALUES (1, 'one', 1.1000, '2026-01-02 03:04:05.123456',"
            + " '2026-01-02 03:04:05.123', x'00ff10'), (2, 'two', -99999999.9999, NULL, NULL, NULL),"
            + " (3, 'three', 0, '1999-12-31 23:59:59.999999', '2038-01-19 03:14:07.999', x'')");

    TopicNames topics = new TopicNames("slice" + UUID.randomUUID().toString().substring(0, 6));
    CaptureSettings capture = new CaptureSettings(topics, "127.0.0.1", source.port(), "tidemark",
        "capture-pw", 5401, List.of(db), kafka.bootstrapServers(), 1, (short) 1,
        Duration.ofMillis(50), Duration.ofMillis(200));
    SinkSettings sink = SinkSettings.defaults(topics, kafka.bootstrapServers(), bucket, "repo")
        .withFlush(new FlushPolicy(10_000, 64L << 20, Duration.ofMillis(500)));

    try (Pipeline pipeline = Pipeline.start(capture, SnapshotSettings.DEFAULT, sink, s3, spool, 1L << 30)) {
      pipeline.snapshotNow(Duration.ofSeconds(60));
      // Streamed from the binlog: an insert, an update and a delete, one transaction each.
      source.execute(
          "INSERT INTO " + db + ".item VALUES (4, 'four', 4.0004, NOW(6), NOW(3), x'04')",
          "UPDATE " + db + ".item SET name = 'TWO', price = price + 1 WHERE id = 2",
          "DELETE FROM " + db + ".item WHERE id = 3");
      try (Connection c = source.connection()) {
        pipeline.awaitArchived(Pipeline.sourceGtids(c), Duration.ofSeconds(90));
      }
    }

    assertThat(operationsIn(bucket)).containsOnlyKeys(Operation.DDL,
        Operation.INSERT, Operation.UPDATE, Operation.DELETE)
        .containsEntry(Operation.INSERT, 1L)
        .containsEntry(Operation.UPDATE, 1L).containsEntry(Operation.DELETE, 1L);
    List<ChangeEvent> events = eventsIn(bucket);
    assertThat(events).filteredOn(e -> e.getOperation() == Operation.UPDATE).singleElement()
        .satisfies(e -> {
          assertThat(e.getTransactionId()).isNotBlank();
          assertThat(e.getTransactionOrder()).isEqualTo(1);
        });
    assertThat(events).filteredOn(e -> e.getDdl() != null && e.getDdl().startsWith("CREATE TABLE"))
        .singleElement().satisfies(e -> assertThat(e.getTableSchema().getPrimaryKey())
            .containsExactly("id"));
    Restore.Result restored = new Restore(new RestoreSettings(bucket, "repo", null,
        new RestoreSettings.Target("127.0.0.1", target.port(), "root", ""), 2), s3).run();
    assertThat(restored.snapshotRows()).isEqualTo(3);
    assertThat(restored.events()).as("the insert, update and delete after the snapshot")
        .isEqualTo(3);

    assertThat(rows(target, db)).containsExactlyElementsOf(rows(source, db)).hasSize(3);
    try (Connection s = source.connection(); Connection t = target.connection()) {
      assertThat(TableChecksums.of(t, List.of(db))).isEqualTo(TableChecksums.of(s, List.of(db)));
    }
  }

  /** How many events of each operation the repository's bundles hold. */
  private static Map<Operation, Long> operationsIn(String bucket) throws Exception {
    Map<Operation, Long> counts = new EnumMap<>(Operation.class);
    for (ChangeEvent e : eventsIn(bucket)) {
      counts.merge(e.getOperation(), 1L, Long::sum);
    }
    return counts;
  }

  private static List<ChangeEvent> eventsIn(String bucket) throws Exception {
    List<ChangeEvent> events = new ArrayList<>();
    for (List<String> keys : BundleCatalog.read(s3, bucket, "repo").bundlesByPartition().values()) {
      for (String key : keys) {
        try (BundleReader<ChangeEvent> r = new BundleReader<>(BundleContent.CHANGES,
            s3.getObject(b -> b.bucket(bucket).key(key)), key)) {
          r.forEachRemaining(events::add);
        }
      }
    }
    return events;
  }

  private static List<String> rows(MariaDbServer server, String db) throws Exception {
    List<String> rows = new ArrayList<>();
    try (Connection c = server.connection(); Statement s = c.createStatement()) {
      s.execute("SET time_zone = '+00:00'");
      try (ResultSet r = s.executeQuery("SELECT id, name, price, seen, stamp, HEX(data) FROM "
          + db + ".item ORDER BY id")) {
        while (r.next()) {
          rows.add(r.getString(1) + "|" + r.getString(2) + "|" + r.getString(3) + "|"
              + r.getString(4) + "|" + r.getString(5) + "|" + r.getString(6));
        }
      }
    }
    return rows;
  }
}
