package io.tidemark.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidemark.schemas.avro.Position;
import io.tidemark.schemas.avro.SnapshotManifest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RetentionTest {
  private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");

  /** Snapshots taken 10, 9, ... 1 days ago (oldest first), at binlog positions 100, 200, ... */
  private static List<SnapshotManifest> dailySnapshots() {
    return IntStream.rangeClosed(1, 10).mapToObj(i -> {
      Instant at = NOW.minus(Duration.ofDays(11 - i));
      Position p = Position.newBuilder().setServerId(1).setFile("bin.000001").setPos(i * 100L)
          .setRow(0).setGtid("0-1-" + i).setTimestampMs(at.toEpochMilli()).setSnapshot(true)
          .build();
      return SnapshotManifest.newBuilder().setSnapshotId("s" + (10 + i)).setPosition(p)
          .setStartedAtMs(at.toEpochMilli()).setFinishedAtMs(at.toEpochMilli())
          .setDatabases(List.of()).setTables(List.of()).build();
    }).toList();
  }

  @Test
  void byCountKeepsTheNewest() {
    Retention.Plan plan = new Retention(3, 1, null).plan(dailySnapshots(), NOW);
    assertThat(plan.keepSnapshots()).containsExactly("s18", "s19", "s20");
    assertThat(plan.deleteSnapshots()).hasSize(7).containsKey("s11");
    assertThat(plan.oldestKeptPosition().orElseThrow().pos()).isEqualTo(800);
  }

  @Test
  void byAgeKeepsTheSnapshotTheOldestRecoverablePointStartsFrom() {
    // 3.5 days: snapshots of 3, 2 and 1 days ago are inside; the one of 4 days ago is the base
    // that changes from 3.5 days ago are replayed onto, so it stays too.
    Retention.Plan plan = new Retention(0, 1, Duration.ofHours(84)).plan(dailySnapshots(), NOW);
    assertThat(plan.keepSnapshots()).containsExactly("s17", "s18", "s19", "s20");
  }

  @Test
  void theNewestMinimumIsKeptWhateverItsAge() {
    Retention.Plan plan = new Retention(1, 2, Duration.ofMinutes(1)).plan(dailySnapshots(), NOW);
    assertThat(plan.keepSnapshots()).containsExactly("s19", "s20");
  }

  @Test
  void nothingToDeleteKeepsEverything() {
    Retention.Plan plan = new Retention(0, 1, null).plan(dailySnapshots(), NOW);
    assertThat(plan.deleteSnapshots()).isEmpty();
    assertThat(plan.oldestKeptPosition().orElseThrow().pos()).isEqualTo(100);
    assertThat(new Retention(0, 1, null).plan(List.of(), NOW).oldestKeptPosition()).isEmpty();
  }

  @Test
  void keepingNoSnapshotIsRefused() {
    assertThatThrownBy(() -> new Retention(0, 0, null)).hasMessageContaining("keep at least 1");
  }
}
