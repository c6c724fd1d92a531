package io.tidemark.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidemark.restore.internal.Checkpoint;
import io.tidemark.schemas.GtidSet;
import io.tidemark.schemas.SourcePosition;
import io.tidemark.schemas.avro.SnapshotManifest;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RestorePlanTest {
  private static final Instant T0 = Instant.parse("2026-11-22T00:00:00Z");
  private static final SnapshotManifest EARLY = snapshot("20261122T000000Z-aaaaaa", 0, "0-1-10");
  private static final SnapshotManifest LATE = snapshot("20261122T010000Z-bbbbbb", 3600, "0-1-50");
  private static final RestoreSettings FULL = new RestoreSettings("b", "p", null,
      new RestoreSettings.Target("h", 1, "u", "pw"), 2);

  @Test
  void aFullRestoreStartsFromTheLatestSnapshot() {
    assertThat(RestorePlan.snapshot(FULL, catalog(EARLY, LATE), Optional.empty(), "s3://b/p"))
        .isEqualTo(LATE);
  }

  @Test
  void aPointInTimeStartsFromTheLatestSnapshotAtOrBeforeIt() {
    RestoreSettings byTime = FULL.until(new Until(T0.plusSeconds(1800), null));
    RestoreSettings byGtid = FULL.until(new Until(null, GtidSet.parse("0-1-20")));
    assertThat(RestorePlan.snapshot(byTime, catalog(EARLY, LATE), Optional.empty(), "x"))
        .isEqualTo(EARLY);
    assertThat(RestorePlan.snapshot(byGtid, catalog(EARLY, LATE), Optional.empty(), "x"))
        .isEqualTo(EARLY);
  }

  @Test
  void refusalsNameTheProblemAndTheFix() {
    assertThatThrownBy(() -> RestorePlan.snapshot(FULL, catalog(), Optional.empty(), "s3://b/p"))
        .hasMessageContaining("no complete snapshot").hasMessageContaining("tidemark snapshot");
    assertThatThrownBy(() -> RestorePlan.snapshot(FULL.until(new Until(T0.minusSeconds(1), null)),
        catalog(EARLY), Optional.empty(), "x")).hasMessageContaining("oldest is " + EARLY.getSnapshotId());
    Checkpoint.State interrupted = new Checkpoint.State(EARLY.getSnapshotId(), Checkpoint.Phase.LOAD, null);
    assertThatThrownBy(() -> RestorePlan.snapshot(FULL, catalog(EARLY), Optional.of(interrupted), "x"))
        .hasMessageContaining("--resume");
    assertThatThrownBy(() -> RestorePlan.snapshot(FULL.resuming(), catalog(EARLY), Optional.empty(), "x"))
        .hasMessageContaining("nothing to resume");
    assertThat(RestorePlan.snapshot(FULL.resuming(), catalog(EARLY, LATE), Optional.of(interrupted), "x"))
        .as("a resume continues from the interrupted restore's snapshot").isEqualTo(EARLY);
  }

  @Test
  void aPointBeyondTheArchiveIsRefused() {
    List<SourcePosition> newest = List.of(position(7200, "0-1-90"));
    assertThatThrownBy(() -> RestorePlan.checkRange(new Until(T0.plusSeconds(7201), null), LATE,
        newest, "x")).hasMessageContaining("reaches until");
    assertThatThrownBy(() -> RestorePlan.checkRange(new Until(null, GtidSet.parse("0-1-91")), LATE,
        newest, "x")).hasMessageContaining("holds no transaction");
    RestorePlan.checkRange(new Until(T0.plusSeconds(7200), null), LATE, newest, "x");
    RestorePlan.checkRange(new Until(null, GtidSet.parse("0-1-90")), LATE, newest, "x");
  }

  private static SnapshotCatalog catalog(SnapshotManifest... snapshots) {
    return SnapshotCatalog.of(List.of(snapshots));
  }

  private static SnapshotManifest snapshot(String id, long seconds, String gtid) {
    return new SnapshotManifest(id, position(seconds, gtid).toAvro(), 0L, 0L, List.of(), List.of());
  }

  private static SourcePosition position(long seconds, String gtid) {
    return new SourcePosition(1, "mysql-bin.000001", 4 + seconds, 0, 0, gtid,
        T0.plusSeconds(seconds).toEpochMilli(), false);
  }
}
