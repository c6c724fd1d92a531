package io.tidemark.schemas;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A stored change bundle as its S3 object metadata describes it: enough to seed the sink's
 * duplicate filter and hash chain and to check a partition's chain before a restore, with HEAD
 * requests only. The bundle's own header stays the authority; the sink copies these values from
 * it when it uploads.
 *
 * @param key the object key
 * @param sha256 the bundle's {@link BundleMetadata#sha256()}; null when the object lacks it
 * @param previousSha256 the bundle's {@link BundleMetadata#previousSha256()} ("" for a partition's
 *     first bundle, null when not recorded)
 * @param firstPosition the source position of its first event; null when not recorded
 * @param lastPosition the source position of its last event; null when not recorded
 * @param keyId the id of the master key the bundle is encrypted with; null for a plain bundle
 */
public record BundleLink(String key, String sha256, String previousSha256,
    SourcePosition firstPosition, SourcePosition lastPosition, String keyId) {
  public static final String SHA256 = "tidemark-sha256";
  public static final String EVENTS = "tidemark-events";
  public static final String FIRST_POSITION = "tidemark-first-position";
  public static final String LAST_POSITION = BundleKeys.LAST_POSITION_METADATA;
  public static final String PREVIOUS_SHA256 = "tidemark-previous-sha256";
  public static final String KEY_ID = "tidemark-key-id";
  /** S3 may drop empty metadata values, so "no previous bundle" is spelled out. */
  private static final String NONE = "none";

  /**
   * The object metadata a bundle is uploaded with (never anything secret).
   *
   * @param keyId the id of the master key of an encrypted bundle; null for a plain one
   */
  public static Map<String, String> objectMetadata(BundleMetadata m, String keyId) {
    Map<String, String> md = new LinkedHashMap<>();
    md.put(SHA256, m.sha256());
    md.put(EVENTS, Long.toString(m.eventCount()));
    md.put(FIRST_POSITION, m.firstPosition().format());
    md.put(LAST_POSITION, m.lastPosition().format());
    if (m.previousSha256() != null) {
      md.put(PREVIOUS_SHA256, m.previousSha256().isEmpty() ? NONE : m.previousSha256());
    }
    if (keyId != null) {
      md.put(KEY_ID, keyId);
    }
    return md;
  }

  /** Reads what {@link #objectMetadata} wrote; absent values become null. */
  public static BundleLink fromObjectMetadata(String key, Map<String, String> md) {
    String previous = md.get(PREVIOUS_SHA256);
    return new BundleLink(key, md.get(SHA256), NONE.equals(previous) ? "" : previous,
        position(md.get(FIRST_POSITION)), position(md.get(LAST_POSITION)), md.get(KEY_ID));
  }

  /** The Kafka offset of the first event, from the key. */
  public long firstOffset() {
    return BundleKeys.offsetsOf(key)[0];
  }

  /** The Kafka offset of the last event, from the key. */
  public long lastOffset() {
    return BundleKeys.offsetsOf(key)[1];
  }

  private static SourcePosition position(String text) {
    return text == null ? null : SourcePosition.parse(text);
  }
}
