package io.tidemark.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tidemark.schemas.avro.SnapshotManifest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SnapshotScheduleTest {
  private final AtomicInteger taken = new AtomicInteger();
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicInteger maxRunning = new AtomicInteger();

  private SnapshotManifest fake() {
    maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
    try {
      return new SnapshotManifest("s" + taken.incrementAndGet(), null, 0L, 0L, List.of(), List.of());
    } finally {
      running.decrementAndGet();
    }
  }

  @Test
  void takesTheFirstAtOnceThenEveryIntervalNeverTwoAtATime() throws Exception {
    try (SnapshotSchedule schedule = new SnapshotSchedule(this::fake, Duration.ofMillis(50), true)) {
      for (int i = 0; i < 5; i++) {
        schedule.requestNow();
      }
      await().atMost(10, TimeUnit.SECONDS).until(() -> taken.get() >= 8);
      assertThat(maxRunning.get()).isEqualTo(1);
      assertThat(schedule.lastSnapshot()).isPresent();
    }
  }

  @Test
  void waitsAFullIntervalWhenASnapshotExistsButServesRequestsAtOnce() throws Exception {
    try (SnapshotSchedule schedule = new SnapshotSchedule(this::fake, Duration.ofHours(1), false)) {
      assertThat(schedule.requestNow().get(10, TimeUnit.SECONDS).getSnapshotId()).isEqualTo("s1");
      assertThat(taken.get()).isEqualTo(1);
    }
  }

  @Test
  void aFailedSnapshotIsReportedAndTheScheduleGoesOn() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    try (SnapshotSchedule schedule = new SnapshotSchedule(() -> {
      if (calls.incrementAndGet() == 1) {
        throw new IllegalStateException("source unreachable");
      }
      return fake();
    }, Duration.ofHours(1), false)) {
      assertThatThrownBy(() -> schedule.requestNow().get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class).hasMessageContaining("source unreachable");
      assertThat(schedule.lastFailure()).isPresent();
      assertThat(schedule.requestNow().get(10, TimeUnit.SECONDS).getSnapshotId()).isEqualTo("s1");
      assertThat(schedule.lastFailure()).isEmpty();
    }
  }
}
