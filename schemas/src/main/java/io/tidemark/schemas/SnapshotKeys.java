package io.tidemark.schemas;

/**
 * Object keys of snapshots: {@code snapshots/<id>/chunks/<first>-<last>.avro} for the bundles of
 * rows and {@code snapshots/<id>/manifest.json}, written last. A snapshot without its manifest
 * does not exist for restore.
 */
public final class SnapshotKeys {
  private SnapshotKeys() {}

  public static final String SNAPSHOTS = "snapshots/";
  public static final String MANIFEST = "manifest.json";

  public static String chunkBundle(String prefix, String snapshotId, long first, long last) {
    return String.format("%s%s/chunks/%020d-%020d.avro", root(prefix), snapshotId, first, last);
  }

  public static String manifest(String prefix, String snapshotId) {
    return root(prefix) + snapshotId + "/" + MANIFEST;
  }

  public static String chunksOf(String prefix, String snapshotId) {
    return root(prefix) + snapshotId + "/chunks/";
  }

  /** The prefix under which every snapshot of the repository lives. */
  public static String root(String prefix) {
    return BundleKeys.normalize(prefix) + SNAPSHOTS;
  }
}
