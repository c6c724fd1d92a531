package io.tidemark.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tidemark.capture.internal.StoredOffsets;
import io.tidemark.schemas.JdbcRows;
import io.tidemark.schemas.SourcePosition;
import io.tidemark.schemas.TopicNames;
import io.tidemark.testkit.JavaProcess;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Capture's memory is bounded by its settings, not by the size of the rows: a backlog of large
 * rows, more bytes than capture's heap, written while capture is down, is caught up by a capture
 * process with that small heap, which must stay alive and deliver every row; and a read of a
 * table whose rows can be large (a snapshot's, or the restore's check) fetches few at a time.
 */
class CaptureMemoryIT extends WithCaptureServices {
  private static final int ROW_BYTES = 4 << 20;
  private static final int ROWS_PER_TRANSACTION = 10;
  /** 600 MiB of rows, more than the heap below. */
  private static final int TRANSACTIONS = 15;
  private static final String HEAP = "-Xmx384m";
  private static final Duration START = Duration.ofMinutes(2);
  private static final Duration CATCH_UP = Duration.ofMinutes(4);

  @Test
  void aBacklogOfLargeRowsBiggerThanTheHeapIsCaughtUpInIt() throws Exception {
    String db = source.createDatabase("memory");
    source.execute("CREATE TABLE " + db + ".big (id BIGINT PRIMARY KEY, b LONGBLOB)");
    TopicNames topics = TestSources.uniqueTopics("memory");
    CaptureSettings settings = TestSources.settings(topics, source, db, kafka, 3);
    try (ChangeTopicReader topic = new ChangeTopicReader(kafka.bootstrapServers(),
        topics.changes())) {
      try (JavaProcess first = CaptureProcessMain.start(settings, START)) {
        // Streaming has begun once the connector recorded the schema.
        await().atMost(START).until(() -> topic.size(), n -> n > 0);
        source.execute("INSERT INTO " + db + ".big VALUES (0, 'streaming')");
        await().atMost(START).until(() -> RowKeys.inTopic(topic.readAll(), db), k -> !k.isEmpty());
        first.stop(START);
      }
      assertThat(StoredOffsets.restartPoint(kafka.bootstrapServers(), topics, START))
          .as("the stopped capture stored its position: what follows is a backlog").isPresent();
      for (int t = 0; t < TRANSACTIONS; t++) {
        source.execute("INSERT INTO " + db + ".big SELECT " + t * ROWS_PER_TRANSACTION
            + " + seq, REPEAT(CHAR(65 + seq), " + ROW_BYTES + ") FROM " + db + ".seq_1_to_"
            + ROWS_PER_TRANSACTION);
      }
      String sourceGtid = source.queryValue("SELECT @@gtid_binlog_pos");

      try (JavaProcess second = CaptureProcessMain.start(settings, START, HEAP,
          "-XX:+ExitOnOutOfMemoryError")) {
        await().atMost(CATCH_UP).until(() -> !second.isAlive() || StoredOffsets.restartPoint(
            kafka.bootstrapServers(), topics, START).map(SourcePosition::gtid).orElse("")
            .equals(sourceGtid));
        assertThat(second.isAlive()).as("capture in %s caught up and still runs%s", HEAP,
            second.outputTails()).isTrue();
      }
      Map<String, Set<Long>> expected = RowKeys.inSource(source, db, List.of("big"));
      Map<String, List<Long>> seen = new TreeMap<>();
      topic.forEach(e -> RowKeys.add(seen, e, db)); // 600 MiB: keys only
      assertThat(RowKeys.complete(expected, seen)).as(RowKeys.report(expected, seen)).isTrue();
    }
  }

  @Test
  void tablesWhoseRowsCanBeLargeAreFetchedFewRowsAtATime() throws Exception {
    String db = source.createDatabase("fetch");
    source.execute("CREATE TABLE " + db + ".plain (id INT PRIMARY KEY, v VARCHAR(100))",
        "CREATE TABLE " + db + ".text (id INT PRIMARY KEY, t TEXT) DEFAULT CHARSET=utf8mb4",
        "CREATE TABLE " + db + ".medium (id INT PRIMARY KEY, b MEDIUMBLOB)",
        "CREATE TABLE " + db + ".json (id INT PRIMARY KEY, j JSON)",
        "CREATE TABLE " + db + ".shape (id INT PRIMARY KEY, g GEOMETRY)");
    List<Integer> fetches = new ArrayList<>();
    try (Connection c = source.connection()) {
      for (String table : List.of("plain", "text", "medium", "json", "shape")) {
        fetches.add(JdbcRows.fetchRows(c, db, table, 1_000));
      }
    }
    assertThat(fetches).as("rows per fetch, at most 64 MiB or one row")
        .containsExactly(1_000, 512, 3, 1, 1);
  }
}
