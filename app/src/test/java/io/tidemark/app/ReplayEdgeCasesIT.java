package io.tidemark.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.capture.CaptureSettings;
import io.tidemark.capture.SnapshotSettings;
import io.tidemark.schemas.TopicNames;
import io.tidemark.sinks.FlushPolicy;
import io.tidemark.sinks.SinkSettings;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The changes replay finds hard, streamed after the snapshot and restored into a fresh server:
 * a primary-key update, two rows swapping a unique value inside one transaction, identical rows
 * in a table without a key, DDL between rows, generated columns, foreign keys and a trigger
 * (whose rows the binlog already carries, so replay must not fire it again), and rows changed
 * again and again in a table whose changes replay folds to one net change per row.
 */
class ReplayEdgeCasesIT {
  @RegisterExtension
  static final ArchiveServices services =
      ArchiveServices.withCredentials("edges", "edges-secret").source(21).target(22);

  @TempDir Path spool;

  @Test
  void hardChangesReplayToTheSourcesExactState() throws Exception {
    String db = services.source().createDatabase("edges");
    String bucket = services.freshBucket("edges");
    services.source().createCaptureUser(ArchiveServices.CAPTURE_USER,
        ArchiveServices.CAPTURE_PASSWORD);
    services.source().execute(
        "CREATE TABLE " + db + ".person (id INT PRIMARY KEY, email VARCHAR(40) NOT NULL UNIQUE,"
            + " first VARCHAR(20), last VARCHAR(20),"
            + " full_name VARCHAR(41) AS (CONCAT(first, ' ', last)) VIRTUAL,"
            + " name_len INT AS (CHAR_LENGTH(first) + CHAR_LENGTH(last)) STORED)",
        "CREATE TABLE " + db + ".parent (id INT PRIMARY KEY)",
        "CREATE TABLE " + db + ".child (id INT PRIMARY KEY, parent_id INT NOT NULL,"
            + " FOREIGN KEY (parent_id) REFERENCES parent (id) ON DELETE CASCADE)",
        "CREATE TABLE " + db + ".tally (n INT, note VARCHAR(10))", // no key
        "CREATE TABLE " + db + ".audit (person_id INT, what VARCHAR(10))",
        // no other unique key, no foreign key, no trigger: replay folds its changes per row
        "CREATE TABLE " + db + ".ledger (id INT PRIMARY KEY, n INT, note VARCHAR(20), KEY (n))",
        "CREATE TRIGGER " + db + ".person_audit AFTER INSERT ON " + db + ".person"
            + " FOR EACH ROW INSERT INTO " + db + ".audit VALUES (NEW.id, 'insert')",
        "INSERT INTO " + db + ".person (id, email, first, last) VALUES"
            + " (1, 'a@x', 'Ada', 'Lovelace'), (2, 'b@x', 'Bob', 'Builder')",
        "INSERT INTO " + db + ".tally VALUES (1, 'same'), (1, 'same'), (1, 'same')",
        "INSERT INTO " + db + ".ledger VALUES (1, 1, 'a'), (2, 2, 'b'), (3, 3, 'c'), (4, 4, 'd'),"
            + " (5, 5, 'e')");

    TopicNames topics = ArchiveServices.freshTopics("edges");
    CaptureSettings capture = services.capture(topics, 5421, db, 2);
    SinkSettings sink = services.sink(topics, bucket)
        .withFlush(new FlushPolicy(1_000, 16L << 20, Duration.ofMillis(500)));
    try (Pipeline pipeline = Pipeline.start(capture, SnapshotSettings.DEFAULT, sink,
        services.s3(), spool, 1L << 30)) {
      pipeline.snapshotNow(Duration.ofSeconds(60));
      services.source().execute(
          "UPDATE " + db + ".person SET id = 10 WHERE id = 1", // a primary-key update
          // the same rows changed again and again, within and across transactions
          "START TRANSACTION",
          "UPDATE " + db + ".ledger SET n = n + 10 WHERE id = 1",
          "UPDATE " + db + ".ledger SET n = n + 10 WHERE id = 1",
          "DELETE FROM " + db + ".ledger WHERE id = 2",
          "INSERT INTO " + db + ".ledger VALUES (2, 20, 'again')",
          "UPDATE " + db + ".ledger SET id = 30 WHERE id = 3",
          "INSERT INTO " + db + ".ledger VALUES (3, 33, 'key reused')",
          "INSERT INTO " + db + ".ledger VALUES (40, 40, 'brief')",
          "DELETE FROM " + db + ".ledger WHERE id = 40",
          "COMMIT",
          "INSERT INTO " + db + ".ledger VALUES (50, 50, 'later')",
          "UPDATE " + db + ".ledger SET note = 'later too' WHERE id = 50",
          "DELETE FROM " + db + ".ledger WHERE id = 4",
          "UPDATE " + db + ".ledger SET id = id + 100 WHERE id >= 30 ORDER BY id DESC",
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
          // an orphan the source let in with checks off, between good rows of one transaction:
          // replay sends them in one request, which fails on the orphan, rolls back to its
          // savepoint and applies them one by one (the orphan with checks off) exactly once
          "SET SESSION foreign_key_checks = 0",
          "START TRANSACTION",
          "INSERT INTO " + db + ".parent VALUES (5)",
          "INSERT INTO " + db + ".child VALUES (20, 99)",
          "INSERT INTO " + db + ".child VALUES (21, 5)",
          "COMMIT",
          "SET SESSION foreign_key_checks = 1",
          "ALTER TABLE " + db + ".tally ADD COLUMN extra INT DEFAULT 7",
          "INSERT INTO " + db + ".tally (n, note, extra) VALUES (2, 'after ddl', 8)",
          "UPDATE " + db + ".ledger SET note = 'after ddl' WHERE id = 130");
      try (Connection c = services.source().connection()) {
        pipeline.awaitArchived(Pipeline.sourceGtids(c), Duration.ofSeconds(120));
      }
    }

    services.restore(bucket, services.target());

    services.assertSameChecksums(services.target(), db);
    assertThat(services.target().queryValue("SELECT GROUP_CONCAT(CONCAT(person_id, what) ORDER BY"
        + " person_id) FROM " + db + ".audit")).as("trigger rows once, as on the source")
        .isEqualTo(services.source().queryValue("SELECT GROUP_CONCAT(CONCAT(person_id, what) ORDER BY"
            + " person_id) FROM " + db + ".audit"));
  }
}
