package io.tidemark.restore;

import io.tidemark.restore.internal.Checkpoint;
import io.tidemark.schemas.GtidSet;
import io.tidemark.schemas.SourcePosition;
import io.tidemark.schemas.avro.SnapshotManifest;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The decisions a restore makes from the bucket alone, before it writes anything: which snapshot
 * to start from, and whether the requested point is inside the recoverable range. Each refusal
 * names the problem and the fix.
 */
final class RestorePlan {
  private RestorePlan() {}

  static SnapshotManifest snapshot(RestoreSettings settings, SnapshotCatalog catalog,
      Optional<Checkpoint.State> checkpoint, String where) {
    if (checkpoint.isPresent() && !settings.resume()) {
      throw new IllegalStateException("the target holds an interrupted restore of snapshot "
          + checkpoint.get().snapshotId() + " (phase " + checkpoint.get().phase() + "); continue"
          + " it with --resume, or restore into a fresh server");
    }
    if (settings.resume()) {
      String id = checkpoint.orElseThrow(() -> new IllegalStateException("nothing to resume:"
          + " the target has no restore checkpoint; start the restore without --resume"))
          .snapshotId();
      if (settings.snapshotId() != null && !settings.snapshotId().equals(id)) {
        throw new IllegalStateException("the interrupted restore started from snapshot " + id
            + ", not " + settings.snapshotId() + "; resume without --snapshot");
      }
      return catalog.byId(id).orElseThrow(() -> new IllegalStateException("snapshot " + id
          + " of the interrupted restore is no longer in " + where + "; restore into a fresh"
          + " server from another snapshot"));
    }
    if (settings.snapshotId() != null) {
      return catalog.byId(settings.snapshotId()).orElseThrow(() -> new IllegalStateException(
          "snapshot " + settings.snapshotId() + " is not in " + where + " (or has no manifest);"
              + " 'tidemark list' shows the snapshots there"));
    }
    List<SnapshotManifest> eligible = catalog.snapshots().stream()
        .filter(m -> isAtOrBefore(m, settings.until())).toList();
    return eligible.stream().max(Comparator.comparing(SnapshotManifest::getSnapshotId))
        .orElseThrow(() -> new IllegalStateException(catalog.snapshots().isEmpty()
            ? where + " holds no complete snapshot: nothing to restore from (take one with"
                + " 'tidemark snapshot', or check the prefix)"
            : "no snapshot in " + where + " was taken at or before " + settings.until()
                + "; the oldest is " + catalog.snapshots().get(0).getSnapshotId()));
  }

  /** Refuses a target point beyond what the archive holds, or before the snapshot. */
  static void checkRange(Until until, SnapshotManifest snapshot,
      Collection<SourcePosition> newest, String where) {
    if (until.isEnd()) {
      return;
    }
    if (!isAtOrBefore(snapshot, until)) {
      throw new IllegalStateException(until + " is before snapshot " + snapshot.getSnapshotId()
          + "; choose an older snapshot with --snapshot");
    }
    long end = newest.stream().mapToLong(SourcePosition::timestampMs).max()
        .orElse(snapshot.getPosition().getTimestampMs());
    if (until.time() != null && until.time().toEpochMilli() > end) {
      throw new IllegalStateException("the archive in " + where + " reaches until "
          + Instant.ofEpochMilli(end) + ", not " + until.time() + "; choose an earlier time"
          + " (or restore to the end without --until-time)");
    }
    if (until.gtids() != null) {
      GtidSet archived = GtidSet.parse(String.join(",", newest.stream()
          .map(SourcePosition::gtid).filter(g -> g != null).toList()));
      GtidSet snapshotGtids = GtidSet.parse(snapshot.getPosition().getGtid());
      if (!archived.covers(until.gtids()) && !snapshotGtids.covers(until.gtids())) {
        throw new IllegalStateException("the archive in " + where + " holds no transaction " 
            + until.gtids() + " (it reaches " + archived + ")");
      }
    }
  }

  private static boolean isAtOrBefore(SnapshotManifest m, Until until) {
    if (until.time() != null && m.getPosition().getTimestampMs() > until.time().toEpochMilli()) {
      return false;
    }
    return until.gtids() == null || until.gtids().covers(GtidSet.parse(m.getPosition().getGtid()));
  }
}
