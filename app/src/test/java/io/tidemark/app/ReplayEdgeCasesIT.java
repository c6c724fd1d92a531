package io.tidemark.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.capture.CaptureSettings;
import io.tidemark.capture.SnapshotSettings;
import io.tidemark.restore.Restore;
import io.tidemark.restore.RestoreSettings;
import io.tidemark.restore.TableChecksums;
import io.tidemark.schemas.TopicNames;
import io.tidemark.sinks.FlushPolicy;
import io.tidemark.sinks.SinkSettings;
import io.tidemark.testkit.KafkaBroker;
import io.tidemark.testkit.MariaDbServer;
import io.tidemark.testkit.S3Server;
import io.tidemark.testkit.Services;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The changes replay finds hard, streamed after the snapshot and restored into a fresh server:
 * a primary-key update, two rows swapping a unique value inside one transaction, identical rows
 * in a table without a key, DDL between rows, generated columns, foreign keys and a trigger
 * (whose rows the binlog already carries, so replay must not fire it again).
 */
class ReplayEdgeCasesIT {
  private static KafkaBroker kafka;
  private static S3Server s3Server;
  private static MariaDbServer source;
  private static MariaDbServer target;
  private static S3Client s3;

  @BeforeAll
  static void startServices() {
    kafka = KafkaBroker.start();
    s3Server = S3Server.builder().credentials("edges", "edges-secret").start();
    source = MariaDbServer.builder().serverId(21).start();
    target = MariaDbServer.builder().serverId(22).start();
    s3 = S3Clients.forEndpoint(s3Server.endpoint(), s3Server.region(), s3Server.accessKey(),
        s3Server.secretKey());
  }

  @AfterAll
  static void stopServices() {
    Services.closeAll(s3, target, source, s3Server, kafka);
  }

  @TempDir Path spool;

  @Test
  void hardChangesReplayToTheSourcesExactState() throws Exception {
    String db = source.createDatabase("edges");
    String bucket = "edges-" + UUID.randomUUID().toString().substring(0, 8);
    s3Server.createBucket(bucket);
    source.createCaptureUser("tidemark", "capture-pw");
    source.execute(
        "CREATE TABLE " + db + ".person (id INT PRIMARY KEY, email VARCHAR(40) NOT NULL UNIQUE,"
            + " first VARCHAR(20), last VARCHAR(20),"
            + " full_name VARCHAR(41) AS (CONCAT(first, ' ', last)) VIRTUAL,"
            + " name_len INT AS (CHAR_LENGTH(first) + CHAR_LENGTH(last)) STORED)",
        "CREATE TABLE " + db + ".parent (id INT PRIMARY KEY)",
        "CREATE TABLE " + db + ".child (id INT PRIMARY KEY, parent_id INT NOT NULL,"
            + " FOREIGN KEY (parent_id) REFERENCES parent (id) ON DELETE CASCADE)",
        "CREATE TABLE " + db + ".tally (n INT, note VARCHAR(10))", // no key
        "CREATE TABLE " + db + ".audit (person_id INT, what VARCHAR(10))",
        "CREATE TRIGGER " + db + ".person_audit AFTER INSERT ON " + db + ".person"
            + " FOR EACH ROW INSERT INTO " + db + ".audit VALUES (NEW.id, 'insert')",
        "INSERT INTO " + db + ".person (id, email, first, last) VALUES"
            + " (1, 'a@x', 'Ada', 'Lovelace'), (2, 'b@x', 'Bob', 'Builder')",
        "INSERT INTO " + db + ".tally VALUES (1, 'same'), (1, 'same'), (1, 'same')");

    TopicNames topics = new TopicNames("edges" + UUID.randomUUID().toString().substring(0, 6));
    CaptureSettings capture = new CaptureSettings(topics, "127.0.0.1", source.port(), "tidemark",
        "capture-pw", 5421, List.of(db), kafka.bootstrapServers(), 2, (short) 1,
        Duration.ofMillis(50), Duration.ofMillis(200));
    SinkSettings sink = SinkSettings.defaults(topics, kafka.bootstrapServers(), bucket, "repo")
        .withFlush(new FlushPolicy(1_000, 16L << 20, Duration.ofMillis(500)));
    try (Pipeline pipeline = Pipeline.start(capture, SnapshotSettings.DEFAULT, sink, s3, spool,
        1L << 30)) {
      pipeline.snapshotNow(Duration.ofSeconds(60));
      source.execute(
          "UPDATE " + db + ".person SET id = 10 WHERE id = 1", // a primary-key update
          "START TRANSACTION", // a unique swap through a temporary value, in one transaction
          "UPDATE " + db + ".person SET email = 'tmp@x' WHERE id = 10",
          "UPDATE " + db + ".person SET email = 'a@x' WHERE id = 2",
          "UPDATE " + db + ".person SET email = 'b@x' WHERE id = 10",
          "COMMIT",
          "INSERT INTO " + db + ".person (id, email, first, last) VALUES (3, 'c@x', 'Cy', 'D')",
          "UPDATE " + db + ".person SET last = 'Byron' WHERE id = 10",
          "DELETE FROM " + db + ".tally WHERE n = 1 LIMIT 1", // one of identical rows
          "UPDATE " + db + ".tally SET note = 'changed' WHERE n = 1 LIMIT 1",
          "INSERT INTO " + db + ".parent VALUES (1), (2)",
          "INSERT INTO " + db + ".child VALUES (1, 1), (2, 1), (3, 2)",
          "DELETE FROM " + db + ".parent WHERE id = 1", // cascades to children 1 and 2
          "ALTER TABLE " + db + ".tally ADD COLUMN extra INT DEFAULT 7",
          "INSERT INTO " + db + ".tally (n, note, extra) VALUES (2, 'after ddl', 8)");
      try (Connection c = source.connection()) {
        pipeline.awaitArchived(Pipeline.sourceGtids(c), Duration.ofSeconds(120));
      }
    }

    new Restore(new RestoreSettings(bucket, "repo", null, new RestoreSettings.Target("127.0.0.1",
        target.port(), "root", ""), 2), s3).run();

    try (Connection s = source.connection(); Connection t = target.connection()) {
      assertThat(TableChecksums.of(t, List.of(db))).isEqualTo(TableChecksums.of(s, List.of(db)));
    }
    assertThat(target.queryValue("SELECT GROUP_CONCAT(CONCAT(person_id, what) ORDER BY person_id)"
        + " FROM " + db + ".audit")).as("trigger rows once, as on the source")
        .isEqualTo(source.queryValue("SELECT GROUP_CONCAT(CONCAT(person_id, what) ORDER BY"
            + " person_id) FROM " + db + ".audit"));
  }
}
