package io.tidemark.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tidemark.capture.internal.StoredOffsets;
import io.tidemark.schemas.SourcePosition;
import io.tidemark.schemas.TopicNames;
import io.tidemark.schemas.avro.ChangeEvent;
import io.tidemark.schemas.avro.Operation;
import io.tidemark.testkit.JavaProcess;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Capture runs as its own process and is killed with SIGKILL while it produces the events of one
 * large transaction; the source keeps writing while capture is down; capture restarts. Every row
 * of every transaction must then be in the change topic at least once, the restart must resume
 * from the offset stored in Kafka by GTID, and must not fall back to a data snapshot.
 */
class CaptureKillIT extends WithCaptureServices {
  private static final Logger log = LoggerFactory.getLogger(CaptureKillIT.class);
  private static final int FIRST_ROWS = 300;
  private static final int SMALL_TRANSACTIONS = 20;
  /** Big enough that producing its events takes seconds, so the kill lands in the middle. */
  private static final int BIG_TRANSACTION_ROWS = 50_000;
  private static final Duration START = Duration.ofMinutes(2);
  private static final Duration CATCH_UP = Duration.ofMinutes(4);
  private static final List<String> TABLES = List.of("bulk", "item");

  @Test
  void killedInTheMiddleOfALargeTransactionCaptureLosesNoRowAndNeverSnapshots()
      throws Exception {
    String db = source.createDatabase("kill");
    source.execute("CREATE TABLE " + db + ".item (id BIGINT PRIMARY KEY, name VARCHAR(40))",
        "CREATE TABLE " + db + ".bulk (id BIGINT PRIMARY KEY, payload VARCHAR(200))");
    TopicNames topics = TestSources.uniqueTopics("kill");
    CaptureSettings settings = TestSources.settings(topics, source, db, kafka, 3);

    try (ChangeTopicReader topic = new ChangeTopicReader(kafka.bootstrapServers(), topics.changes())) {
      long producedAtKill;
      try (JavaProcess first = CaptureProcessMain.start(settings, START)) {
        // Streaming has begun once the connector recorded the schema.
        await().atMost(START).until(() -> count(topic.readAll(), Operation.DDL), n -> n > 0);
        source.execute("INSERT INTO " + db + ".item SELECT seq, CONCAT('first-', seq) FROM " + db
            + ".seq_1_to_" + FIRST_ROWS);
        commitSmallTransactions(db, 1_000);
        await().atMost(START).until(() -> count(topic.readAll(), Operation.INSERT),
            n -> n == FIRST_ROWS + SMALL_TRANSACTIONS);
        producedAtKill = killWhileProducing(first, topic, db);
      }
      SourcePosition storedAtKill = StoredOffsets.restartPoint(kafka.bootstrapServers(), topics,
          START).orElseThrow();
      assertThat(storedAtKill.gtid()).as("the stored offset resumes by GTID").isNotBlank();

      commitSmallTransactions(db, 2_000);
      source.execute("INSERT INTO " + db + ".bulk SELECT 100000 + seq, 'while down' FROM " + db
          + ".seq_1_to_500");

      restartAndCheckEveryRow(settings, topic, db, "killed after " + producedAtKill + " of "
          + BIG_TRANSACTION_ROWS + " events of the big transaction, stored offset then "
          + storedAtKill.format());
    }
  }

  /**
   * Restarts capture and checks that the topic ends up with every row of the source at least
   * once, no data snapshot, and a stored offset at the source's last GTID.
   */
  private static void restartAndCheckEveryRow(CaptureSettings settings, ChangeTopicReader topic,
      String db, String story) throws Exception {
    try (JavaProcess second = CaptureProcessMain.start(settings, START)) {
      Map<String, Set<Long>> expected = RowKeys.inSource(source, db, TABLES);
      List<ChangeEvent> events = awaitEveryRow(topic, expected, db);
      Map<String, List<Long>> seen = RowKeys.inTopic(events, db);
      String summary = story + "; " + RowKeys.duplicates(seen) + " duplicates; "
          + RowKeys.report(expected, seen);
      log.info("{}", summary);

      assertThat(RowKeys.complete(expected, seen)).as(summary).isTrue();
      assertThat(count(events, Operation.SNAPSHOT_ROW))
          .as("capture never snapshots data itself, not even on a restart; %s", summary)
          .isZero();
      assertThat(events).filteredOn(e -> e.getOperation() == Operation.INSERT)
          .as("streamed rows carry their GTID").allMatch(e -> e.getPosition().getGtid() != null);
      String sourceGtid = source.queryValue("SELECT @@gtid_binlog_pos");
      await().atMost(CATCH_UP).until(() -> StoredOffsets.restartPoint(kafka.bootstrapServers(),
          settings.topics(), START).map(SourcePosition::gtid).orElse(""), sourceGtid::equals);
      assertThat(second.isAlive()).as("capture still runs%s", second.outputTails()).isTrue();
    }
  }

  /**
   * Commits one large transaction and kills capture once a third of its events are in Kafka.
   * Fails if they were all in already: the kill would then prove nothing.
   *
   * @return how many of its events Kafka held right after the kill
   */
  private long killWhileProducing(JavaProcess capture, ChangeTopicReader topic, String db) {
    long before = topic.size();
    source.execute("INSERT INTO " + db + ".bulk SELECT seq, REPEAT('x', 150) FROM " + db
        + ".seq_1_to_" + BIG_TRANSACTION_ROWS);
    await().atMost(START).pollInterval(Duration.ofMillis(10))
        .until(() -> topic.size() - before, n -> n >= BIG_TRANSACTION_ROWS / 3);
    capture.kill();
    long produced = topic.size() - before;
    assertThat(produced)
        .as("events of the big transaction in Kafka when capture was killed; all %d means the"
            + " kill came too late and proves nothing: make the transaction bigger",
            BIG_TRANSACTION_ROWS)
        .isPositive().isLessThan(BIG_TRANSACTION_ROWS);
    return produced;
  }

  /**
   * Reads the topic until it holds every expected row; on timeout returns what it holds, so
   * that the assertion names the missing rows.
   */
  private static List<ChangeEvent> awaitEveryRow(ChangeTopicReader topic,
      Map<String, Set<Long>> expected, String db) {
    AtomicReference<List<ChangeEvent>> last = new AtomicReference<>(List.of());
    try {
      await().atMost(CATCH_UP).pollInterval(Duration.ofSeconds(2)).until(() -> {
        last.set(topic.readAll());
        return RowKeys.complete(expected, RowKeys.inTopic(last.get(), db));
      });
    } catch (ConditionTimeoutException e) {
      log.error("the topic still misses rows after {}", CATCH_UP);
    }
    return last.get();
  }

  private static void commitSmallTransactions(String db, int firstId) {
    String[] inserts = new String[SMALL_TRANSACTIONS];
    for (int i = 0; i < SMALL_TRANSACTIONS; i++) {
      inserts[i] = "INSERT INTO " + db + ".item VALUES (" + (firstId + i) + ", 'small')";
    }
    source.execute(inserts);
  }

  private static long count(List<ChangeEvent> events, Operation operation) {
    return events.stream().filter(e -> e.getOperation() == operation).count();
  }
}
