package io.tidemark.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two capture processes of one source: one streams, the other waits and takes over when the
 * first goes away, cleanly or by SIGKILL in the middle of a write load, and no row written
 * before, during or after the take-over is missing from the change topic.
 */
class CaptureStandbyIT extends WithCaptureServices {
  private static final Logger log = LoggerFactory.getLogger(CaptureStandbyIT.class);
  @Test
  void oneOfTwoCapturesStreamsAndTheOtherTakesOverWhenItCloses() throws Exception {
    SourceFixture f = SourceFixture.create(source, "handover");
    CaptureSettings settings = f.settings(kafka.bootstrapServers());
    Capture first = Capture.start(settings);
    Capture second = Capture.start(settings);
    try (ChangeTopic topic = ChangeTopic.readCommitted(kafka.bootstrapServers(), f.topics.changes())) {
      await("one active capture").atMost(Duration.ofSeconds(60))
          .until(() -> activeCount(first, second) == 1);
      await("still exactly one active, the other a standby").during(Duration.ofSeconds(3))
          .atMost(Duration.ofSeconds(10))
          .until(() -> activeCount(first, second) == 1 && standbyCount(first, second) == 1);
      Capture active = first.state() == CaptureState.ACTIVE ? first : second;
      Capture standby = active == first ? second : first;

      await("the active capture streams (its schema is in Kafka)").atMost(Duration.ofSeconds(60))
          .until(() -> !topic.poll().keys().isEmpty());
      f.insert(1, 10);
      await("rows 1-10").atMost(Duration.ofSeconds(60))
          .until(() -> topic.poll().rowIds(f.db, SourceFixture.TABLE).containsAll(SourceFixture.ids(1, 10)));

      active.close();
      assertThat(active.state()).isEqualTo(CaptureState.CLOSED);
      assertThat(active.failure()).isEmpty();
      await("the standby takes over").atMost(Duration.ofSeconds(30))
          .until(() -> standby.state() == CaptureState.ACTIVE);

      f.insert(11, 20);
      await("rows 1-20").atMost(Duration.ofSeconds(60))
          .until(() -> topic.poll().rowIds(f.db, SourceFixture.TABLE).equals(SourceFixture.ids(1, 20)));
    } finally {
      first.close();
      second.close();
    }
    assertThat(first.failure()).isEmpty();
    assertThat(second.failure()).isEmpty();
  }

  @Test
  void aStandbyTakesOverWithoutLossWhenTheActiveProcessIsKilledMidStream() throws Exception {
    SourceFixture f = SourceFixture.create(source, "killed");
    CaptureSettings settings = f.settings(kafka.bootstrapServers());
    Process child = ChildCapture.start(settings);
    Capture standby = null;
    Writer writer = new Writer(f);
    try (ChangeTopic topic = ChangeTopic.readCommitted(kafka.bootstrapServers(), f.topics.changes())) {
      await("the child process streams (its schema is in Kafka)").atMost(Duration.ofSeconds(90))
          .until(() -> !topic.poll().keys().isEmpty());
      f.insert(1, 3);
      await("the child process streams rows").atMost(Duration.ofSeconds(60))
          .until(() -> topic.poll().rowIds(f.db, SourceFixture.TABLE).size() == 3);
      standby = Capture.start(settings);
      Capture waiting = standby;
      await("the second capture waits while the child streams").during(Duration.ofSeconds(3))
          .atMost(Duration.ofSeconds(10)).until(() -> waiting.state() == CaptureState.STANDBY);

      writer.start();
      await("the child streams the write load").atMost(Duration.ofSeconds(60))
          .until(() -> topic.poll().rowIds(f.db, SourceFixture.TABLE).size() > 100);
      long killedAt = System.nanoTime();
      child.destroyForcibly(); // SIGKILL: no leave-group, no offset flush, a transaction may be open
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      long writtenAtKill = writer.lastWritten();

      await("the standby takes over").atMost(Duration.ofSeconds(45))
          .until(() -> waiting.state() == CaptureState.ACTIVE);
      log.info("take-over {} ms after SIGKILL", (System.nanoTime() - killedAt) / 1_000_000);
      long writtenAtTakeOver = writer.lastWritten();
      await("rows written after the take-over").atMost(Duration.ofSeconds(30))
          .until(() -> writer.lastWritten() >= writtenAtTakeOver + 50);
      long last = writer.stop();

      assertThat(writtenAtTakeOver).as("rows were written while no capture was active")
          .isGreaterThan(writtenAtKill);
      await("every row written before, during and after the take-over").atMost(Duration.ofSeconds(90))
          .until(() -> topic.poll().rowIds(f.db, SourceFixture.TABLE).equals(SourceFixture.ids(1, last)));
      long replayed = topic.arrivals(f.db, SourceFixture.TABLE).values().stream()
          .filter(n -> n > 1).count();
      log.info("{} rows in the change topic, {} of them arrived twice (replay after the kill)",
          last, replayed);
      assertThat(standby.failure()).isEmpty();
    } finally {
      writer.stop();
      child.destroyForcibly();
      if (standby != null) {
        standby.close();
      }
    }
  }

  private static long activeCount(Capture... captures) {
    return List.of(captures).stream().filter(c -> c.state() == CaptureState.ACTIVE).count();
  }

  private static long standbyCount(Capture... captures) {
    return List.of(captures).stream().filter(c -> c.state() == CaptureState.STANDBY).count();
  }

  /** Inserts rows from id 4 on, one transaction each, until stopped (at most 50 000 rows). */
  private static final class Writer {
    private final SourceFixture fixture;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicLong last = new AtomicLong(3);
    private CompletableFuture<Void> run = CompletableFuture.completedFuture(null);

    Writer(SourceFixture fixture) {
      this.fixture = fixture;
    }

    void start() {
      run = CompletableFuture.runAsync(() -> {
        for (long id = 4; id <= 50_000 && !stopping.get(); id++) {
          fixture.insert(id, id);
          last.set(id);
        }
      });
    }

    long lastWritten() {
      return last.get();
    }

    /** Stops and returns the id of the last row written. */
    long stop() {
      stopping.set(true);
      run.orTimeout(60, TimeUnit.SECONDS).join();
      return last.get();
    }
  }

  /**
   * A capture in a child JVM, so a test can SIGKILL it: the test class path, settings in
   * arguments, the password in the environment. It exits by itself after ten minutes at most.
   */
  static final class ChildCapture {
    static Process start(CaptureSettings s) throws IOException {
      String classPath = System.getProperty("surefire.test.class.path",
          System.getProperty("java.class.path"));
      Path log = Path.of("target", "child-capture-" + s.topics().source() + ".log");
      Files.createDirectories(log.getParent());
      ProcessBuilder pb = new ProcessBuilder(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
          "-cp", classPath, ChildCapture.class.getName(),
          s.topics().source(), s.host(), Integer.toString(s.port()), s.user(),
          Long.toString(s.replicaServerId()), String.join(",", s.databases()),
          s.bootstrapServers(), Integer.toString(s.partitions()))
          .redirectErrorStream(true).redirectOutput(log.toFile());
      pb.environment().put("CAPTURE_PASSWORD", s.password());
      return pb.start();
    }

    public static void main(String[] a) throws Exception {
      CaptureSettings s = new CaptureSettings(new io.tidemark.schemas.TopicNames(a[0]), a[1],
          Integer.parseInt(a[2]), a[3], System.getenv("CAPTURE_PASSWORD"), Long.parseLong(a[4]),
          List.of(a[5].split(",")), a[6], Integer.parseInt(a[7]), (short) 1,
          Duration.ofMillis(50), Duration.ofMillis(200));
      try (Capture capture = Capture.start(s)) {
        await().atMost(Duration.ofMinutes(10)).until(() -> capture.state() == CaptureState.FAILED);
      }
    }
  }
}
