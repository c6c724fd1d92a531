package io.tidemark.sinks.s3;

import io.tidemark.schemas.BundleEnvelope;
import io.tidemark.schemas.BundleKeys;
import io.tidemark.schemas.BundleLink;
import io.tidemark.schemas.BundleMetadata;
import io.tidemark.schemas.SnapshotKeys;
import io.tidemark.schemas.SourcePosition;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
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
 * Writes bundles and manifests to S3 without ever overwriting: every put, single or multipart, is
 * conditional on the key being free ({@code If-None-Match: *}). A refused put is resolved by
 * comparing the SHA-256 kept in the existing object's metadata with ours: the same object is
 * success (an earlier attempt landed), a different one a conflict. Bundles of
 * {@code multipartThreshold} bytes or more go up in parts of that size (at least 5 MiB).
 *
 * <p>Thread-safe (the S3 client is).
 */
public final class S3BundleStore {
  /** Bundles from this size on are uploaded in parts, unless configured otherwise. */
  public static final long DEFAULT_MULTIPART_THRESHOLD = 16L * 1024 * 1024;
  static final String SHA256_METADATA = BundleLink.SHA256;
  private static final int PRECONDITION_FAILED = 412;

  private final S3Client s3;
  private final String bucket;
  private final long multipartThreshold;

  public S3BundleStore(S3Client s3, String bucket) {
    this(s3, bucket, DEFAULT_MULTIPART_THRESHOLD);
  }

  /** @param multipartThreshold the size from which bundles are uploaded in parts (≥ 5 MiB) */
  public S3BundleStore(S3Client s3, String bucket, long multipartThreshold) {
    if (multipartThreshold < MultipartUpload.MIN_PART_BYTES) {
      throw new IllegalArgumentException("the multipart threshold must be at least 5 MiB (S3's"
          + " smallest part), not " + multipartThreshold + " bytes");
    }
    this.s3 = s3;
    this.bucket = bucket;
    this.multipartThreshold = multipartThreshold;
  }

  /**
   * Uploads a bundle (key ending in .avro; identity is the hash of its events, kept in its
   * header, so the same events at the same key are the same bundle whatever their compression,
   * encryption or chain link) or a manifest (identity is the hash of its bytes).
   */
  public UploadOutcome upload(String key, byte[] body) {
    if (!key.endsWith(".avro")) {
      return put(key, body, HexFormat.of().formatHex(sha256(body)), "application/json", Map.of());
    }
    BundleMetadata meta = BundleMetadata.of(body, key);
    return put(key, body, meta.sha256(), "application/avro", BundleLink.objectMetadata(meta,
        BundleEnvelope.keyId(body, key).orElse(null)));
  }

  /**
   * The newest bundle under {@code keyPrefix} (one partition's bundles, newest by key, i.e. by
   * offsets), as its object metadata describes it; empty when there is none.
   */
  public Optional<BundleLink> newestBundle(String keyPrefix) {
    String newest = null;
    for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(keyPrefix)).contents()) {
      if (BundleKeys.isBundle(o.key()) && (newest == null || o.key().compareTo(newest) > 0)) {
        newest = o.key();
      }
    }
    if (newest == null) {
      return Optional.empty();
    }
    String key = newest;
    return Optional.of(BundleLink.fromObjectMetadata(key,
        s3.headObject(b -> b.bucket(bucket).key(key)).metadata()));
  }

  private UploadOutcome put(String key, byte[] body, String sha256, String contentType,
      Map<String, String> extra) {
    Map<String, String> metadata = new HashMap<>(extra);
    metadata.put(SHA256_METADATA, sha256);
    try {
      if (body.length >= multipartThreshold) {
        MultipartUpload.put(s3, bucket, key, body, (int) Math.min(multipartThreshold,
            Integer.MAX_VALUE - 8), contentType, metadata);
      } else {
        s3.putObject(PutObjectRequest.builder().bucket(bucket).key(key).ifNoneMatch("*")
            .contentType(contentType).metadata(metadata).build(), RequestBody.fromBytes(body));
      }
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

  /**
   * Before {@code prune} deletes a partition's leading bundles, it keeps the link of the last
   * one: an empty marker object with that bundle's metadata (hash, positions), overwritten by
   * each later prune.
   */
  public void markPruned(String lastDeletedBundle) {
    Map<String, String> metadata = s3.headObject(b -> b.bucket(bucket).key(lastDeletedBundle))
        .metadata();
    s3.putObject(b -> b.bucket(bucket).key(BundleKeys.prunedMarker(lastDeletedBundle))
        .metadata(metadata), RequestBody.empty());
  }

  /** Writes a partition's watermark (a source position as text), replacing the previous one. */
  public void putWatermark(String key, SourcePosition position) {
    s3.putObject(b -> b.bucket(bucket).key(key).contentType("text/plain"),
        RequestBody.fromString(position.format()));
  }
}
