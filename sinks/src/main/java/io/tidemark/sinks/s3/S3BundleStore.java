package io.tidemark.sinks.s3;

import io.tidemark.schemas.BundleKeys;
import io.tidemark.schemas.BundleMetadata;
import io.tidemark.schemas.SnapshotKeys;
import io.tidemark.schemas.SourcePosition;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Writes bundles and manifests to S3 without ever overwriting: every put is conditional on the
 * key being free ({@code If-None-Match: *}). A refused put is resolved by comparing the SHA-256
 * kept in the existing object's metadata with ours: the same object is success (an earlier
 * attempt landed), a different one a conflict.
 *
 * <p>Thread-safe (the S3 client is).
 */
public final class S3BundleStore {
  static final String SHA256_METADATA = "tidemark-sha256";
  static final String LAST_POSITION = BundleKeys.LAST_POSITION_METADATA;
  private static final int PRECONDITION_FAILED = 412;

  private final S3Client s3;
  private final String bucket;

  public S3BundleStore(S3Client s3, String bucket) {
    this.s3 = s3;
    this.bucket = bucket;
  }

  /**
   * Uploads a bundle (key ending in .avro; identity is the hash of its events, kept in its
   * header) or a manifest (identity is the hash of its bytes).
   */
  public UploadOutcome upload(String key, byte[] body) {
    if (!key.endsWith(".avro")) {
      return put(key, body, HexFormat.of().formatHex(sha256(body)), "application/json", Map.of());
    }
    BundleMetadata meta = BundleMetadata.of(body, key);
    return put(key, body, meta.sha256(), "application/avro", Map.of(
        "tidemark-events", Long.toString(meta.eventCount()),
        LAST_POSITION, meta.lastPosition().format()));
  }

  /**
   * The last source position durable under {@code keyPrefix} (one partition's bundles), from the
   * metadata of its newest bundle; empty when there is none.
   */
  public Optional<SourcePosition> newestPosition(String keyPrefix) {
    String newest = null;
    for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(keyPrefix)).contents()) {
      if (o.key().endsWith(".avro") && (newest == null || o.key().compareTo(newest) > 0)) {
        newest = o.key();
      }
    }
    if (newest == null) {
      return Optional.empty();
    }
    String key = newest;
    String last = s3.headObject(b -> b.bucket(bucket).key(key)).metadata().get(LAST_POSITION);
    return last == null ? Optional.empty() : Optional.of(SourcePosition.parse(last));
  }

  private UploadOutcome put(String key, byte[] body, String sha256, String contentType,
      Map<String, String> extra) {
    Map<String, String> metadata = new java.util.HashMap<>(extra);
    metadata.put(SHA256_METADATA, sha256);
    PutObjectRequest put = PutObjectRequest.builder()
        .bucket(bucket).key(key).ifNoneMatch("*").contentType(contentType).metadata(metadata)
        .build();
    try {
      s3.putObject(put, RequestBody.fromBytes(body));
      return new UploadOutcome.Uploaded(key);
    } catch (S3Exception e) {
      if (e.statusCode() != PRECONDITION_FAILED) {
        throw e;
      }
    }
    HeadObjectResponse existing = s3.headObject(b -> b.bucket(bucket).key(key));
    String existingSha = existing.metadata().get(SHA256_METADATA);
    return sha256.equals(existingSha)
        ? new UploadOutcome.AlreadyPresent(key)
        : new UploadOutcome.Conflict(key, existingSha, sha256);
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /**
   * Deletes every object whose key starts with {@code keyPrefix}, the manifest first when one
   * is among them, so that a snapshot is never seen restorable while its chunks go.
   *
   * @return the keys deleted
   */
  public List<String> deleteAll(String keyPrefix) {
    List<String> keys = new ArrayList<>();
    s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(keyPrefix)).contents()
        .forEach(o -> keys.add(o.key()));
    keys.sort(Comparator.comparing((String k) -> !k.endsWith("/" + SnapshotKeys.MANIFEST)));
    delete(keys);
    return keys;
  }

  /** Deletes these objects, in order. */
  public void delete(List<String> keys) {
    for (String key : keys) {
      s3.deleteObject(b -> b.bucket(bucket).key(key));
    }
  }
}
