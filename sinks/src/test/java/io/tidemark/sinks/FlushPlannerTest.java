package io.tidemark.sinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlushPlannerTest {
  private static final Instant T0 = Instant.parse("2026-11-22T00:00:00Z");
  private static final FlushPolicy POLICY = new FlushPolicy(100, 1000, Duration.ofSeconds(10));
  private static final FlushPolicy SNAPSHOT_POLICY =
      new FlushPolicy(1000, 1000, Duration.ofSeconds(10));
  private final FlushPlanner planner = new FlushPlanner(POLICY, SNAPSHOT_POLICY, 2500);

  private static FlushPlanner.Shape<String> batch(String id, int events, long bytes, Instant first) {
    return new FlushPlanner.Shape<>(id, events, bytes, first, false, false);
  }

  @Test
  void snapshotRowsFlushByTheSnapshotPolicy() {
    assertThat(planner.plan(List.of(batch("changes", 100, 500, T0),
        new FlushPlanner.Shape<>("snapshot", 100, 500, T0, false, true),
        new FlushPlanner.Shape<>("full snapshot", 1000, 500, T0, false, true)), T0))
        .containsExactly(entry("changes", FlushReason.COUNT),
            entry("full snapshot", FlushReason.COUNT));
  }

  @Test
  void underTheBudgetOnlyThePolicyDecides() {
    assertThat(planner.plan(List.of(batch("p0", 5, 900, T0), batch("p1", 5, 900, T0),
        batch("p2", 1, 10, T0.minusSeconds(10))), T0)).containsExactly(entry("p2", FlushReason.AGE));
  }

  @Test
  void atTheBudgetTheLargestBatchFlushesForMemoryThoughNoPolicyLimitIsReached() {
    // Only the per-batch limit would let n partitions hold n * 999 bytes.
    assertThat(planner.plan(List.of(batch("p0", 5, 800, T0), batch("p1", 5, 900, T0),
        batch("p2", 5, 850, T0)), T0.plusSeconds(1))).containsExactly(
            entry("p1", FlushReason.MEMORY));
  }

  @Test
  void theLargestFlushUntilTheRestFitsUnderTheBudget() {
    assertThat(planner.plan(List.of(batch("p0", 5, 900, T0), batch("p1", 5, 950, T0),
        batch("p2", 5, 920, T0), batch("p3", 5, 880, T0)), T0)).containsExactly(
            entry("p1", FlushReason.MEMORY), entry("p2", FlushReason.MEMORY));
  }

  @Test
  void batchesThePolicyFlushesNoLongerCountAgainstTheBudget() {
    assertThat(planner.plan(List.of(batch("p0", 5, 800, T0), batch("p1", 100, 990, T0),
        batch("p2", 5, 850, T0.minusSeconds(30))), T0)).containsExactly(
            entry("p1", FlushReason.COUNT), entry("p2", FlushReason.AGE));
  }

  @Test
  void emptyBatchesNeverFlush() {
    FlushPlanner tiny = new FlushPlanner(POLICY, SNAPSHOT_POLICY, 1);
    assertThat(tiny.plan(List.of(batch("p0", 0, 0, null)), T0.plusSeconds(3600))).isEmpty();
  }
}
