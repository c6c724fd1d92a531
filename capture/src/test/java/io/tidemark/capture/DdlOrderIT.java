package io.tidemark.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tidemark.capture.ChangeTopicReader.Entry;
import io.tidemark.schemas.EventOrder;
import io.tidemark.schemas.TopicNames;
import io.tidemark.schemas.avro.ChangeEvent;
import io.tidemark.schemas.avro.Column;
import io.tidemark.schemas.avro.ColumnDefinition;
import io.tidemark.schemas.avro.Operation;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * While capture streams, a table gains a column and loses another between row changes. The DDL
 * events must sit between exactly the rows written around them, in source order and in Kafka's
 * order, and carry the table's structure after the change.
 */
class DdlOrderIT extends WithCaptureServices {
  private static final Duration WAIT = Duration.ofSeconds(90);

  @Test
  void schemaChangesSitBetweenExactlyTheRowsWrittenAroundThem() throws Exception {
    String db = source.createDatabase("ddl");
    String t = db + ".t";
    source.execute("CREATE TABLE " + t + " (id BIGINT PRIMARY KEY, a VARCHAR(20))");
    TopicNames topics = TestSources.uniqueTopics("ddl");
    String addB = "ALTER TABLE " + t + " ADD COLUMN b INT";
    String dropA = "ALTER TABLE " + t + " DROP COLUMN a";

    try (ChangeTopicReader topic = new ChangeTopicReader(kafka.bootstrapServers(), topics.changes());
        Capture capture = Capture.start(TestSources.settings(topics, source, db, kafka, 3))) {
      // Once the snapshot's DDL is in Kafka its binlog position is fixed: what follows streams.
      await().atMost(WAIT).until(() -> topic.readAll().stream().anyMatch(
          e -> e.getDdl() != null && e.getDdl().startsWith("CREATE TABLE")));
      source.execute("INSERT INTO " + t + " VALUES (1, 'a1'), (2, 'a2')",
          "UPDATE " + t + " SET a = 'a1*' WHERE id = 1",
          addB,
          "INSERT INTO " + t + " VALUES (3, 'a3', 30)",
          "UPDATE " + t + " SET b = 10 WHERE id = 1",
          dropA,
          "INSERT INTO " + t + " VALUES (4, 40)",
          "UPDATE " + t + " SET b = 11 WHERE id = 1");
      await().atMost(WAIT).until(() -> streamed(topic.entries(), db).size(), n -> n >= 9);
      assertThat(capture.failure()).isEmpty();
    }
    try (ChangeTopicReader topic = new ChangeTopicReader(kafka.bootstrapServers(), topics.changes())) {
      List<Entry> streamed = streamed(topic.entries(), db);

      assertThat(inReplayOrder(streamed)).extracting(DdlOrderIT::label).containsExactly(
          "INSERT 1", "INSERT 2", "UPDATE 1", "DDL " + addB, "INSERT 3", "UPDATE 1",
          "DDL " + dropA, "INSERT 4", "UPDATE 1");
      assertEachRowsKafkaOrderIsItsSourceOrder(streamed);
      assertThat(ddl(streamed)).extracting(e -> columns(e.getTableSchema().getColumns()))
          .containsExactly(List.of("id", "a", "b"), List.of("id", "b"));
      assertThat(rowImage(streamed, 3)).containsExactly("id", "a", "b");
      assertThat(rowImage(streamed, 4)).containsExactly("id", "b");
    }
  }

  /**
   * The row changes of one transaction keep their statement order in replay order, though they
   * share one commit and spread over partitions: two rows swap a unique value through a
   * temporary one, a row is deleted and inserted again. MariaDB 11.4 writes the events of a
   * transaction with no position of their own (end_log_pos 0), so positions must come from the
   * stream itself.
   */
  @Test
  void theChangesOfOneTransactionKeepTheirStatementOrder() throws Exception {
    String db = source.createDatabase("txorder");
    String t = db + ".t";
    source.execute("CREATE TABLE " + t + " (id BIGINT PRIMARY KEY, a VARCHAR(20) NOT NULL UNIQUE)");
    TopicNames topics = TestSources.uniqueTopics("txorder");

    try (ChangeTopicReader topic = new ChangeTopicReader(kafka.bootstrapServers(), topics.changes());
        Capture capture = Capture.start(TestSources.settings(topics, source, db, kafka, 3))) {
      await().atMost(WAIT).until(() -> topic.readAll().stream().anyMatch(
          e -> e.getDdl() != null && e.getDdl().startsWith("CREATE TABLE")));
      source.execute("INSERT INTO " + t + " VALUES (1, 'x'), (2, 'y'), (3, 'z')",
          "START TRANSACTION",
          "UPDATE " + t + " SET a = 'tmp' WHERE id = 1",
          "UPDATE " + t + " SET a = 'x' WHERE id = 2",
          "UPDATE " + t + " SET a = 'y' WHERE id = 1",
          "DELETE FROM " + t + " WHERE id = 3",
          "INSERT INTO " + t + " VALUES (3, 'z'), (4, 'w')",
          "COMMIT");
      await().atMost(WAIT).until(() -> streamed(topic.entries(), db).size(), n -> n >= 9);
      assertThat(capture.failure()).isEmpty();
    }
    try (ChangeTopicReader topic = new ChangeTopicReader(kafka.bootstrapServers(), topics.changes())) {
      assertThat(inReplayOrder(streamed(topic.entries(), db)))
          .extracting(e -> label(e) + (e.getAfter() == null ? "" : " " + after(e))).containsExactly(
              "INSERT 1 [id=1, a=x]", "INSERT 2 [id=2, a=y]", "INSERT 3 [id=3, a=z]",
              "UPDATE 1 [id=1, a=tmp]", "UPDATE 2 [id=2, a=x]", "UPDATE 1 [id=1, a=y]",
              "DELETE 3", "INSERT 3 [id=3, a=z]", "INSERT 4 [id=4, a=w]");
    }
  }

  /** Source order: strictly increasing positions, so no DDL ties with a row. */
  private static List<ChangeEvent> inReplayOrder(List<Entry> entries) {
    List<ChangeEvent> sorted = entries.stream().map(Entry::event).sorted(EventOrder.REPLAY)
        .toList();
    for (int i = 1; i < sorted.size(); i++) {
      assertThat(EventOrder.REPLAY.compare(sorted.get(i - 1), sorted.get(i)))
          .as("%s sorts strictly before %s", label(sorted.get(i - 1)), label(sorted.get(i)))
          .isNegative();
    }
    return sorted;
  }

  /**
   * All events of one key share a partition, and Kafka's offsets keep them in source order: row 1
   * is inserted and updated before, between and after both DDL, and both DDL share partition 0.
   */
  private static void assertEachRowsKafkaOrderIsItsSourceOrder(List<Entry> streamed) {
    List<Entry> row1 = streamed.stream().filter(e -> Objects.equals(id(e.event()), 1L)).toList();
    assertThat(row1).extracting(Entry::partition).containsOnly(row1.get(0).partition());
    assertThat(row1).extracting(Entry::offset).isSorted();
    assertThat(row1).extracting(e -> label(e.event()) + " " + after(e.event()))
        .containsExactly("INSERT 1 [id=1, a=a1]", "UPDATE 1 [id=1, a=a1*]",
            "UPDATE 1 [id=1, a=a1*, b=10]", "UPDATE 1 [id=1, b=11]");
    List<Entry> ddl = streamed.stream().filter(e -> e.event().getOperation() == Operation.DDL)
        .toList();
    assertThat(ddl).extracting(Entry::partition).containsOnly(0);
    assertThat(ddl).extracting(Entry::offset).isSorted();
  }

  /** Streamed (not snapshot) events of the database, in partition and offset order. */
  private static List<Entry> streamed(List<Entry> entries, String db) {
    return entries.stream().filter(e -> db.equals(e.event().getDatabase())
        && !e.event().getPosition().getSnapshot()).toList();
  }

  private static List<ChangeEvent> ddl(List<Entry> entries) {
    return entries.stream().map(Entry::event).filter(e -> e.getOperation() == Operation.DDL)
        .toList();
  }

  private static List<String> rowImage(List<Entry> entries, long id) {
    return entries.stream().map(Entry::event)
        .filter(e -> e.getOperation() == Operation.INSERT && Objects.equals(id(e), id))
        .map(e -> e.getAfter().stream().map(Column::getName).toList()).findFirst().orElseThrow();
  }

  private static String label(ChangeEvent e) {
    return e.getOperation() == Operation.DDL ? "DDL " + e.getDdl() : e.getOperation() + " " + id(e);
  }

  private static Object id(ChangeEvent e) {
    return e.getKey() == null ? null : e.getKey().get(0).getValue();
  }

  private static List<String> after(ChangeEvent e) {
    return e.getAfter().stream().map(c -> c.getName() + "=" + c.getValue()).toList();
  }

  private static List<String> columns(List<ColumnDefinition> definitions) {
    return definitions.stream().map(ColumnDefinition::getName).toList();
  }
}
