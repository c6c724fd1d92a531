package io.tidemark.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tidemark.capture.CaptureFailedException.Reason;
import io.tidemark.capture.internal.StoredOffsets;
import io.tidemark.schemas.SourcePosition;
import io.tidemark.schemas.TopicNames;
import io.tidemark.schemas.avro.ChangeEvent;
import io.tidemark.schemas.avro.Operation;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Capture is stopped, the source writes and purges the binlog capture would resume from, capture
 * starts again: it must fail, naming the GTID it needed and the fix, and must neither skip the
 * lost changes nor take a new snapshot by itself.
 */
class BinlogPurgedIT extends WithCaptureServices {
  private static final Duration WAIT = Duration.ofSeconds(90);

  @Test
  void aBinlogPurgedWhileCaptureWasDownEndsCaptureWithTheGtidItNeededAndTheFix()
      throws Exception {
    String db = source.createDatabase("purged");
    source.execute("CREATE TABLE " + db + ".item (id INT PRIMARY KEY, name VARCHAR(20))");
    TopicNames topics = TestSources.uniqueTopics("purged");
    CaptureSettings settings = TestSources.settings(topics, source, db, kafka, 1);

    try (ChangeTopicReader topic = new ChangeTopicReader(kafka.bootstrapServers(), topics.changes())) {
      try (Capture first = Capture.start(settings)) {
        // Capture streams once the schema it recorded at start is in Kafka.
        await().atMost(WAIT).until(() -> topic.readAll().stream()
            .anyMatch(e -> e.getOperation() == Operation.DDL));
        source.execute("INSERT INTO " + db + ".item VALUES (1, 'one'), (2, 'two')",
            "INSERT INTO " + db + ".item VALUES (3, 'three')");
        await().atMost(WAIT).until(() -> ids(topic.readAll(), Operation.INSERT),
            Set.of(1L, 2L, 3L)::equals);
      }
      List<ChangeEvent> captured = topic.readAll();
      SourcePosition stored = StoredOffsets.restartPoint(kafka.bootstrapServers(), topics,
          WAIT).orElseThrow();
      assertThat(stored.gtid()).as("capture resumes by GTID").isNotBlank();

      source.execute("INSERT INTO " + db + ".item VALUES (4, 'four')",
          "INSERT INTO " + db + ".item VALUES (5, 'five')");
      String kept = purgeAllButANewBinlog();

      try (Capture second = Capture.start(settings)) {
        Throwable ended = await().atMost(WAIT)
            .until(second::failure, Optional::isPresent).orElseThrow();
        assertThat(ended).isInstanceOf(CaptureFailedException.class);
        CaptureFailedException failure = (CaptureFailedException) ended;

        assertThat(failure.reason()).isEqualTo(Reason.BINLOG_UNAVAILABLE);
        assertThat(failure.getMessage()).contains("source '" + topics.source() + "'",
            "GTID " + stored.gtid(), "purged", "tidemark snapshot");
      }
      assertThat(topic.readAll())
          .as("after the purge (source kept only %s) nothing reached the topic: no skipped"
              + " changes, no new snapshot", kept)
          .isEqualTo(captured);
    }
  }

  /**
   * Starts a new binlog and purges every older one. InnoDB may still need the old file for crash
   * recovery for a moment, and a capture connection the server has not yet seen close may still
   * read it; the server then keeps the file with a warning, so this retries until it is gone.
   *
   * @return the one binlog file left
   */
  private static String purgeAllButANewBinlog() throws SQLException {
    try (Connection c = source.connection(); Statement s = c.createStatement()) {
      s.execute("FLUSH BINARY LOGS");
      String current = binlogs(s).get(binlogs(s).size() - 1);
      await().atMost(WAIT).until(() -> {
        s.execute("PURGE BINARY LOGS TO '" + current + "'");
        return binlogs(s);
      }, List.of(current)::equals);
      return current;
    }
  }

  private static List<String> binlogs(Statement s) throws SQLException {
    List<String> files = new ArrayList<>();
    try (ResultSet r = s.executeQuery("SHOW BINARY LOGS")) {
      while (r.next()) {
        files.add(r.getString(1));
      }
    }
    return files;
  }

  private static Set<Long> ids(List<ChangeEvent> events, Operation operation) {
    return events.stream().filter(e -> e.getOperation() == operation)
        .map(e -> (Long) e.getAfter().get(0).getValue()).collect(Collectors.toSet());
  }
}
