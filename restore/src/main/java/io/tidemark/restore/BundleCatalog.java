package io.tidemark.restore;

import io.tidemark.restore.internal.MergedEvents;
import io.tidemark.schemas.BundleKeys;
import io.tidemark.schemas.BundleLink;
import io.tidemark.schemas.SourcePosition;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The change bundles of a repository, derived from the bucket alone: per topic-partition, in
 * offset order (the key order). Not thread-safe (the object metadata is read once, lazily).
 */
public final class BundleCatalog {
  private final String bucket;
  private final Map<String, List<String>> byPartition;
  private Map<String, List<BundleLink>> links;

  private final Map<String, String> prunedMarkers;
  private final Map<String, String> watermarks;

  private BundleCatalog(String bucket, Map<String, List<String>> byPartition,
      Map<String, String> prunedMarkers, Map<String, String> watermarks) {
    this.bucket = bucket;
    this.byPartition = byPartition;
    this.prunedMarkers = prunedMarkers;
    this.watermarks = watermarks;
  }

  public static BundleCatalog read(S3Client s3, String bucket, String prefix) {
    String root = BundleKeys.changesRoot(prefix);
    Map<String, List<String>> byPartition = new TreeMap<>();
    Map<String, String> pruned = new TreeMap<>();
    for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(root)).contents()) {
      String key = o.key();
      String partition = key.substring(root.length(), Math.max(root.length(),
          key.lastIndexOf('/')));
      if (BundleKeys.isBundle(key)) {
        byPartition.computeIfAbsent(partition, p -> new ArrayList<>()).add(key);
      } else if (BundleKeys.isPrunedMarker(key)) {
        pruned.put(partition, key);
      }
    }
    byPartition.values().forEach(keys -> keys.sort(null));
    String marks = BundleKeys.watermarksRoot(prefix);
    Map<String, String> watermarks = new TreeMap<>();
    for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(marks)).contents()) {
      watermarks.put(o.key().substring(marks.length()), o.key());
    }
    return new BundleCatalog(bucket, byPartition, pruned, watermarks);
  }

  /** Bundle keys per "topic/partition", each list in offset order. */
  public Map<String, List<String>> bundlesByPartition() {
    return byPartition;
  }

  /**
   * The change events as a restore replays them: every partition merged into replay order, each
   * Kafka offset once where bundles overlap (a retried upload) and capture replays skipped; the
   * caller closes it.
   *
   * @param open opens a bundle's plain Avro file by key (decrypted where it was encrypted)
   */
  public ReplayEvents replayOrder(Function<String, InputStream> open) {
    return new MergedEvents(byPartition.values(), open);
  }

  /**
   * Every bundle's object metadata (hash, chain link, positions) per "topic/partition", in
   * offset order: one HEAD request per bundle, made on the first call.
   */
  public Map<String, List<BundleLink>> links(S3Client s3) {
    if (links == null) {
      Map<String, List<BundleLink>> read = new LinkedHashMap<>();
      byPartition.forEach((partition, keys) -> read.put(partition, keys.stream()
          .map(key -> BundleLink.fromObjectMetadata(key,
              s3.headObject(b -> b.bucket(bucket).key(key)).metadata()))
          .toList()));
      links = read;
    }
    return links;
  }

  /**
   * How far each partition reaches in the bucket: its newest bundle's last source position, or
   * its watermark (the newest capture heartbeat before which the sinks made every change of the
   * partition durable) when that is further, so a quiet partition does not hold the archive
   * back.
   */
  public List<SourcePosition> newestPositions(S3Client s3) {
    Map<String, SourcePosition> newest = new TreeMap<>();
    byPartition.forEach((partition, keys) -> {
      String key = keys.get(keys.size() - 1);
      // One HEAD per partition; the whole chain's links only when a restore already read them.
      BundleLink last = links != null ? links.get(partition).get(keys.size() - 1)
          : BundleLink.fromObjectMetadata(key, s3.headObject(b -> b.bucket(bucket).key(key))
              .metadata());
      if (last.lastPosition() != null) {
        newest.put(partition, last.lastPosition());
      }
    });
    watermarks.forEach((partition, key) -> newest.merge(partition, SourcePosition.parse(
        s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asUtf8String().strip()),
        (a, b) -> a.compareTo(b) >= 0 ? a : b));
    return List.copyOf(newest.values());
  }

  /**
   * Per partition that {@code prune} thinned, the link of the last bundle it deleted there:
   * where the hash chain of the bundles kept begins.
   */
  public Map<String, BundleLink> prunedThrough(S3Client s3) {
    Map<String, BundleLink> through = new TreeMap<>();
    prunedMarkers.forEach((partition, key) -> through.put(partition,
        BundleLink.fromObjectMetadata(key, s3.headObject(b -> b.bucket(bucket).key(key))
            .metadata())));
    return through;
  }

  /**
   * The bundles no replay from {@code position} or later can need: per partition, the leading
   * bundles (in offset order) whose last source position is before it. Stops at the first bundle
   * that reaches it, so a capture replay at a later offset never loses a bundle it still needs.
   */
  public List<String> bundlesEndingBefore(S3Client s3, SourcePosition position) {
    List<String> before = new ArrayList<>();
    for (List<String> keys : byPartition.values()) {
      for (String key : keys) {
        String last = s3.headObject(b -> b.bucket(bucket).key(key)).metadata()
            .get(BundleKeys.LAST_POSITION_METADATA);
        if (last == null || SourcePosition.parse(last).compareTo(position) >= 0) {
          break;
        }
        before.add(key);
      }
    }
    return before;
  }

  public int bundleCount() {
    return byPartition.values().stream().mapToInt(List::size).sum();
  }
}
