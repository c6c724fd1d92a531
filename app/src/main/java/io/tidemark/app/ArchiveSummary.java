package io.tidemark.app;

import io.tidemark.restore.BundleCatalog;
import io.tidemark.restore.SnapshotCatalog;
import io.tidemark.schemas.SourcePosition;
import io.tidemark.schemas.avro.SnapshotManifest;
import io.tidemark.schemas.avro.TableManifest;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a repository can restore, read from the bucket alone: its snapshots and the recoverable
 * range. The range starts at the oldest snapshot and ends at the newest source position up to
 * which every partition's changes are durable (the lowest of the partitions' newest bundle
 * positions, a safe lower bound).
 */
record ArchiveSummary(List<Snapshot> snapshots, int bundles, Optional<Recoverable> recoverable) {

  record Snapshot(String id, Instant time, String gtid, String binlogPosition, int tables,
      long rows, long bytes) {}

  record Recoverable(Instant fromTime, Instant untilTime, String untilGtid) {}

  static ArchiveSummary read(RepositoryAccess repo) {
    SnapshotCatalog catalog = SnapshotCatalog.read(repo.s3(), repo.bucket(), repo.prefix());
    BundleCatalog bundles = BundleCatalog.read(repo.s3(), repo.bucket(), repo.prefix());
    List<Snapshot> snapshots = catalog.snapshots().stream()
        .map(m -> snapshot(m, catalog.bytes(m.getSnapshotId()))).toList();
    if (snapshots.isEmpty()) {
      return new ArchiveSummary(snapshots, bundles.bundleCount(), Optional.empty());
    }
    SnapshotManifest newest = catalog.latest().orElseThrow();
    SourcePosition until = bundles.newestPositions(repo.s3()).stream()
        .min(Comparator.naturalOrder())
        .filter(p -> p.compareTo(SourcePosition.fromAvro(newest.getPosition())) > 0)
        .orElse(SourcePosition.fromAvro(newest.getPosition()));
    return new ArchiveSummary(snapshots, bundles.bundleCount(), Optional.of(new Recoverable(
        snapshots.get(0).time(), Instant.ofEpochMilli(until.timestampMs()), until.gtid())));
  }

  private static Snapshot snapshot(SnapshotManifest m, long bytes) {
    SourcePosition at = SourcePosition.fromAvro(m.getPosition());
    return new Snapshot(m.getSnapshotId(), Instant.ofEpochMilli(m.getFinishedAtMs()), at.gtid(),
        at.file() + ":" + at.pos(), m.getTables().size(),
        m.getTables().stream().mapToLong(TableManifest::getRows).sum(), bytes);
  }

  /** The {@code list --json} object; its shape is part of the command's contract. */
  Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("snapshots", snapshots.stream().map(s -> {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("id", s.id());
      o.put("time", s.time().toString());
      o.put("gtid", s.gtid());
      o.put("binlog_position", s.binlogPosition());
      o.put("tables", s.tables());
      o.put("rows", s.rows());
      o.put("bytes", s.bytes());
      return o;
    }).toList());
    json.put("bundles", bundles);
    Map<String, Object> range = new LinkedHashMap<>();
    range.put("from_time", recoverable.map(r -> r.fromTime().toString()).orElse(null));
    range.put("until_time", recoverable.map(r -> r.untilTime().toString()).orElse(null));
    range.put("until_gtid", recoverable.map(Recoverable::untilGtid).orElse(null));
    json.put("recoverable", range);
    return json;
  }
}
