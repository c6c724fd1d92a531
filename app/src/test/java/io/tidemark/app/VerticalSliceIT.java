package io.tidemark.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.capture.CaptureSettings;
import io.tidemark.capture.SnapshotSettings;
import io.tidemark.restore.BundleCatalog;
import io.tidemark.restore.Restore;
import io.tidemark.schemas.BundleContent;
import io.tidemark.schemas.BundleReader;
import io.tidemark.schemas.TopicNames;
import io.tidemark.schemas.avro.ChangeEvent;
import io.tidemark.schemas.avro.Operation;
import io.tidemark.sinks.FlushPolicy;
import io.tidemark.sinks.SinkSettings;
import io.tidemark.testkit.MariaDbServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * One table's rows travel the whole flow, every stage real: source MariaDB → capture (snapshot,
 * then insert/update/delete from the binlog) → Kafka → sink → Avro bundle in S3 → restore into a
 * second, fresh MariaDB. Both servers must then agree row for row and by CHECKSUM TABLE.
 */
class VerticalSliceIT {
  @RegisterExtension
  static final ArchiveServices services =
      ArchiveServices.withCredentials("slice-key", "slice-secret").source(1).timeZone("+02:00")
          .target(2);

  @TempDir Path spool;

  @Test
  void rowsOfASourceTableArriveInAFreshServerThroughKafkaAndS3() throws Exception {
    String db = services.source().createDatabase("slice");
    String bucket = services.freshBucket("slice");
    services.source().createCaptureUser(ArchiveServices.CAPTURE_USER,
        ArchiveServices.CAPTURE_PASSWORD);
    services.source().execute(
        "CREATE TABLE " + db + ".item (id INT PRIMARY KEY, name VARCHAR(40), price DECIMAL(12,4),"
            + " seen DATETIME(6), stamp TIMESTAMP(3) NULL, data BLOB)",
        "INSERT INTO " + db + ".item VALUES (1, 'one', 1.1000, '2026-01-02 03:04:05.123456',"
            + " '2026-01-02 03:04:05.123', x'00ff10'), (2, 'two', -99999999.9999, NULL, NULL, NULL),"
            + " (3, 'three', 0, '1999-12-31 23:59:59.999999', '2038-01-19 03:14:07.999', x'')");

    TopicNames topics = ArchiveServices.freshTopics("slice");
    CaptureSettings capture = services.capture(topics, 5401, db, 1);
    SinkSettings sink = services.sink(topics, bucket)
        .withFlush(new FlushPolicy(10_000, 64L << 20, Duration.ofMillis(500)));

    try (Pipeline pipeline = Pipeline.start(capture, SnapshotSettings.DEFAULT, sink, services.s3(), spool,
        1L << 30)) {
      pipeline.snapshotNow(Duration.ofSeconds(60));
      // Streamed from the binlog: an insert, an update and a delete, one transaction each.
      services.source().execute(
          "INSERT INTO " + db + ".item VALUES (4, 'four', 4.0004, NOW(6), NOW(3), x'04')",
          "UPDATE " + db + ".item SET name = 'TWO', price = price + 1 WHERE id = 2",
          "DELETE FROM " + db + ".item WHERE id = 3");
      try (Connection c = services.source().connection()) {
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
    Restore.Result restored = services.restore(bucket, services.target());
    assertThat(restored.snapshotRows()).isEqualTo(3);
    assertThat(restored.events()).as("the insert, update and delete after the snapshot")
        .isEqualTo(3);

    assertThat(rows(services.target(), db)).containsExactlyElementsOf(rows(services.source(), db))
        .hasSize(3);
    services.assertSameChecksums(services.target(), db);
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
    for (List<String> keys : BundleCatalog.read(services.s3(), bucket, "repo").bundlesByPartition()
        .values()) {
      for (String key : keys) {
        try (BundleReader<ChangeEvent> r = new BundleReader<>(BundleContent.CHANGES,
            services.s3().getObject(b -> b.bucket(bucket).key(key)), key)) {
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
