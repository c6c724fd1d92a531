package io.tidemark.schemas;

/**
 * Object keys of the archive. Keys are deterministic, so re-uploading a bundle after a crash
 * writes the same key; offsets are zero-padded so that key order is offset order.
 *
 * <p>Layout under a repository prefix: {@code changes/<topic>/<partition>/<first>-<last>.avro}.
 */
public final class BundleKeys {
  private BundleKeys() {}

  public static final String CHANGES = "changes/";
  public static final String WATERMARKS = "watermarks/";
  /** S3 object metadata of a change bundle: its last source position, {@code format()}ted. */
  public static final String LAST_POSITION_METADATA = "tidemark-last-position";
  private static final String SUFFIX = ".avro";
  private static final String PRUNED_MARKER = "pruned-through";

  public static String changeBundle(String prefix, String topic, int partition, long first, long last) {
    return String.format("%s%s%s/%d/%020d-%020d%s", normalize(prefix), CHANGES, topic, partition,
        first, last, SUFFIX);
  }

  /** The prefix under which the change bundles of one topic-partition live. */
  public static String changeBundlesOf(String prefix, String topic, int partition) {
    return normalize(prefix) + CHANGES + topic + "/" + partition + "/";
  }

  /** The prefix under which all change bundles of the repository live. */
  public static String changesRoot(String prefix) {
    return normalize(prefix) + CHANGES;
  }

  /**
   * The object holding how far one partition's changes are in the bucket: the source position
   * of the newest capture heartbeat before which every change of the partition is durable.
   */
  public static String watermark(String prefix, String topic, int partition) {
    return watermarksRoot(prefix) + topic + "/" + partition;
  }

  public static String watermarksRoot(String prefix) {
    return normalize(prefix) + WATERMARKS;
  }

  /** The first and last Kafka offset a bundle key names. */
  public static long[] offsetsOf(String key) {
    String name = key.substring(key.lastIndexOf('/') + 1);
    int dash = name.indexOf('-');
    if (dash < 0 || !name.endsWith(SUFFIX)) {
      throw new IllegalArgumentException("'" + key + "' is not a bundle key");
    }
    return new long[] {Long.parseLong(name.substring(0, dash)),
        Long.parseLong(name.substring(dash + 1, name.length() - SUFFIX.length()))};
  }

  /**
   * The marker {@code prune} leaves in a partition's folder: an empty object whose metadata is
   * that of the last bundle it deleted there, so the hash chain of the bundles kept still
   * starts from a known link.
   *
   * @param bundleKey any bundle key of the partition
   */
  public static String prunedMarker(String bundleKey) {
    return bundleKey.substring(0, bundleKey.lastIndexOf('/') + 1) + PRUNED_MARKER;
  }

  public static boolean isPrunedMarker(String key) {
    return key.endsWith("/" + PRUNED_MARKER);
  }

  public static boolean isBundle(String key) {
    return key.endsWith(SUFFIX);
  }

  /** "" or a prefix ending in exactly one slash. */
  public static String normalize(String prefix) {
    String p = prefix == null ? "" : prefix.replaceAll("^/+|/+$", "");
    return p.isEmpty() ? "" : p + "/";
  }
}
