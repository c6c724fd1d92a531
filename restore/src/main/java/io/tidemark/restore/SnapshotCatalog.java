package io.tidemark.restore;

import io.tidemark.schemas.Manifests;
import io.tidemark.schemas.SnapshotKeys;
import io.tidemark.schemas.avro.SnapshotManifest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The restorable snapshots of a repository: those whose manifest is in the bucket, oldest first.
 * A snapshot's chunk bundles without a manifest belong to a snapshot that never finished.
 */
public final class SnapshotCatalog {
  private final List<SnapshotManifest> snapshots;
  private final Map<String, Long> bytes;

  private SnapshotCatalog(List<SnapshotManifest> snapshots, Map<String, Long> bytes) {
    this.snapshots = snapshots;
    this.bytes = bytes;
  }

  public static SnapshotCatalog read(S3Client s3, String bucket, String prefix) {
    List<SnapshotManifest> found = new ArrayList<>();
    Map<String, Long> bytes = new HashMap<>();
    String root = SnapshotKeys.root(prefix);
    for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(root)).contents()) {
      String rest = o.key().substring(root.length());
      if (rest.indexOf('/') > 0) {
        bytes.merge(rest.substring(0, rest.indexOf('/')), o.size(), Long::sum);
      }
      if (o.key().endsWith("/" + SnapshotKeys.MANIFEST)) {
        found.add(Manifests.fromJson(
            s3.getObjectAsBytes(b -> b.bucket(bucket).key(o.key())).asByteArray(), o.key()));
      }
    }
    return new SnapshotCatalog(sorted(found), Map.copyOf(bytes));
  }

  /** A catalog of the given manifests, in any order. */
  static SnapshotCatalog of(List<SnapshotManifest> manifests) {
    return new SnapshotCatalog(sorted(manifests), Map.of());
  }

  private static List<SnapshotManifest> sorted(List<SnapshotManifest> manifests) {
    List<SnapshotManifest> sorted = new ArrayList<>(manifests);
    sorted.sort(Comparator.comparing(SnapshotManifest::getSnapshotId));
    return List.copyOf(sorted);
  }

  /**
   * Snapshots older than the newest restorable one that have chunk bundles but no manifest:
   * they never finished and never will.
   */
  public List<String> abandoned() {
    String newest = latest().map(SnapshotManifest::getSnapshotId).orElse("");
    return bytes.keySet().stream().filter(id -> byId(id).isEmpty() && id.compareTo(newest) < 0)
        .sorted().toList();
  }

  /** Bytes the snapshot's objects (chunk bundles and manifest) take in the bucket. */
  public long bytes(String snapshotId) {
    return bytes.getOrDefault(snapshotId, 0L);
  }

  public List<SnapshotManifest> snapshots() {
    return snapshots;
  }

  public Optional<SnapshotManifest> latest() {
    return snapshots.isEmpty() ? Optional.empty() : Optional.of(snapshots.get(snapshots.size() - 1));
  }

  public Optional<SnapshotManifest> byId(String id) {
    return snapshots.stream().filter(m -> m.getSnapshotId().equals(id)).findFirst();
  }
}
