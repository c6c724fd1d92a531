package io.tidemark.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * Zombie fencing: a writer of the change topic that lost the lock but still runs (a pause, a
 * partition) cannot commit once a newer writer initialised the source's transactional id, and
 * nothing it wrote is visible to read_committed consumers.
 */
class CaptureFencingIT extends WithCaptureServices {
  @Test
  void aZombieWriterCannotCommitAfterACaptureTookOver() throws Exception {
    SourceFixture f = SourceFixture.create(source, "zombie");
    CaptureSettings settings = f.settings(kafka.bootstrapServers());
    createChangeTopic(settings);
    try (KafkaProducer<byte[], byte[]> zombie = transactionalProducer(settings)) {
      zombie.initTransactions();
      zombie.beginTransaction();
      zombie.send(new ProducerRecord<>(f.topics.changes(), 0, bytes("zombie"), bytes("zombie")));
      zombie.flush(); // in the log, inside a transaction that is still open

      try (Capture capture = Capture.start(settings);
          ChangeTopic committed = ChangeTopic.readCommitted(kafka.bootstrapServers(),
              f.topics.changes())) {
        await("the capture's schema records are readable past the zombie's open transaction")
            .atMost(Duration.ofSeconds(60)).until(() -> !committed.poll().keys().isEmpty());
        f.insert(1, 3);
        await("the capture streams").atMost(Duration.ofSeconds(60))
            .until(() -> committed.poll().rowIds(f.db, SourceFixture.TABLE)
                .equals(SourceFixture.ids(1, 3)));
        assertThat(capture.state()).isEqualTo(CaptureState.ACTIVE);

        assertThatThrownBy(zombie::commitTransaction).isInstanceOf(ProducerFencedException.class);

        f.insert(4, 4);
        await("rows 1-4").atMost(Duration.ofSeconds(30)).until(() -> committed.poll()
            .rowIds(f.db, SourceFixture.TABLE).equals(SourceFixture.ids(1, 4)));
        assertThat(committed.keys()).doesNotContain("zombie");
      }
    }
    try (ChangeTopic everything = new ChangeTopic(kafka.bootstrapServers(), f.topics.changes(),
        "read_uncommitted")) {
      await("the zombie's record is in the log, aborted").atMost(Duration.ofSeconds(30))
          .until(() -> everything.poll().keys().contains("zombie"));
    }
  }

  @Test
  void aFencedCaptureFailsWithoutCommittingItsBatchAndTheStandbyReplaysIt() throws Exception {
    SourceFixture f = SourceFixture.create(source, "fenced");
    CaptureSettings settings = f.settings(kafka.bootstrapServers());
    Capture fenced = Capture.start(settings);
    Capture standby = null;
    try (ChangeTopic committed = ChangeTopic.readCommitted(kafka.bootstrapServers(),
        f.topics.changes())) {
      await("the first capture records the schema").atMost(Duration.ofSeconds(60))
          .until(() -> !committed.poll().keys().isEmpty());
      f.insert(1, 3);
      await("the first capture streams").atMost(Duration.ofSeconds(60))
          .until(() -> committed.poll().rowIds(f.db, SourceFixture.TABLE).size() == 3);
      standby = Capture.start(settings);
      Capture waiting = standby;
      await("the second capture waits").during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
          .until(() -> waiting.state() == CaptureState.STANDBY);

      // A newer writer initialises the shared transactional id while the first capture still
      // holds the lock, as a process that took over from a paused one would.
      try (KafkaProducer<byte[], byte[]> newer = transactionalProducer(settings)) {
        newer.initTransactions();
      }
      f.insert(4, 4);

      await("the fenced capture fails").atMost(Duration.ofSeconds(30))
          .until(() -> fenced.state() == CaptureState.FAILED);
      assertThat(fenced.failure()).get().satisfies(e ->
          assertThat(e).hasRootCauseInstanceOf(ProducerFencedException.class));
      await("the standby takes over").atMost(Duration.ofSeconds(30))
          .until(() -> waiting.state() == CaptureState.ACTIVE);
      await("row 4, which the fenced capture could not commit, arrives through the standby")
          .atMost(Duration.ofSeconds(60)).until(() -> committed.poll()
              .rowIds(f.db, SourceFixture.TABLE).equals(SourceFixture.ids(1, 4)));
      assertThat(committed.arrivals(f.db, SourceFixture.TABLE)).containsEntry(4L, 1);
    } finally {
      fenced.close();
      if (standby != null) {
        standby.close();
      }
    }
    assertThat(fenced.state()).isEqualTo(CaptureState.FAILED);
  }

  private static KafkaProducer<byte[], byte[]> transactionalProducer(CaptureSettings s) {
    return new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrapServers(),
        ProducerConfig.TRANSACTIONAL_ID_CONFIG, s.fencingId()),
        new ByteArraySerializer(), new ByteArraySerializer());
  }

  private static void createChangeTopic(CaptureSettings s) throws Exception {
    try (Admin admin = Admin.create(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(s.topics().changes(), s.partitions(),
          s.replicationFactor()))).all().get(30, TimeUnit.SECONDS);
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
