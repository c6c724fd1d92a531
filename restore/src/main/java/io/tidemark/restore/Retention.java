package io.tidemark.restore;

import io.tidemark.schemas.SourcePosition;
import io.tidemark.schemas.avro.SnapshotManifest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which snapshots a repository keeps: at most {@code maxSnapshots} and none older than
 * {@code maxAge}, but always the newest {@code minSnapshots}, and always the newest snapshot
 * taken before the age limit, because the change bundles that reach back to that limit need it
 * as their starting point. Change bundles that end before the oldest kept snapshot can no
 * longer be replayed from anything and go with it.
 *
 * @param maxSnapshots the most snapshots kept; 0 for no limit by count
 * @param minSnapshots the newest snapshots always kept, whatever their age
 * @param maxAge how far back point-in-time recovery must reach; null for no limit by age
 */
public record Retention(int maxSnapshots, int minSnapshots, Duration maxAge) {
  public Retention {
    if (maxSnapshots < 0 || minSnapshots < 1) {
      throw new IllegalArgumentException("keep at least 1 snapshot (min " + minSnapshots
          + ") and a non-negative maximum (" + maxSnapshots + ")");
    }
  }

  /** What pruning deletes: snapshot ids with why, and the position change bundles must reach. */
  public record Plan(Map<String, String> deleteSnapshots, List<String> keepSnapshots,
      Optional<SourcePosition> oldestKeptPosition) {}

  /** Decides, from the snapshots alone (oldest first), what pruning at {@code now} deletes. */
  public Plan plan(List<SnapshotManifest> snapshots, Instant now) {
    int n = snapshots.size();
    Map<String, String> delete = new LinkedHashMap<>();
    int newestBeforeCutoff = -1;
    if (maxAge != null) {
      Instant cutoff = now.minus(maxAge);
      for (int i = 0; i < n; i++) {
        if (Instant.ofEpochMilli(snapshots.get(i).getFinishedAtMs()).isBefore(cutoff)) {
          newestBeforeCutoff = i;
        }
      }
      for (int i = 0; i < newestBeforeCutoff; i++) {
        delete.put(snapshots.get(i).getSnapshotId(), "older than " + maxAge
            + " and not needed to reach back that far");
      }
    }
    if (maxSnapshots > 0) {
      for (int i = 0; i < n - maxSnapshots; i++) {
        delete.putIfAbsent(snapshots.get(i).getSnapshotId(), "beyond the newest "
            + maxSnapshots);
      }
    }
    for (int i = Math.max(0, n - minSnapshots); i < n; i++) {
      delete.remove(snapshots.get(i).getSnapshotId());
    }
    List<String> keep = new ArrayList<>();
    Optional<SourcePosition> oldestKept = Optional.empty();
    for (SnapshotManifest m : snapshots) {
      if (!delete.containsKey(m.getSnapshotId())) {
        keep.add(m.getSnapshotId());
        if (oldestKept.isEmpty()) {
          oldestKept = Optional.of(SourcePosition.fromAvro(m.getPosition()));
        }
      }
    }
    return new Plan(delete, keep, oldestKept);
  }
}
