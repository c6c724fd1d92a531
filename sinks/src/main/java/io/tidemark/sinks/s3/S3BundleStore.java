package io.tidemark.sinks.s3;

import io.tidemark.schemas.BundleMetadata;
import java.util.Map;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Writes bundles to S3 without ever overwriting: every put is conditional on the key being free
 * ({@code If-None-Match: *}). A refused put is resolved by comparing the SHA-256 kept in the
 * existing object's metadata with the bundle's.
 *
 * <p>Thread-safe (the S3 client is).
 */
public final class S3BundleStore {
  static final String SHA256_METADATA = "tidemark-sha256";
  private static final int PRECONDITION_FAILED = 412;

  private final S3Client s3;
  private final String bucket;

  public S3BundleStore(S3Client s3, String bucket) {
    this.s3 = s3;
    this.bucket = bucket;
  }

  public UploadOutcome upload(String key, byte[] bundle, BundleMetadata meta) {
    PutObjectRequest put = PutObjectRequest.builder()
        .bucket(bucket).key(key).ifNoneMatch("*")
        .contentType("application/avro")
        .metadata(Map.of(SHA256_METADATA, meta.sha256(),
            "tidemark-events", Long.toString(meta.eventCount())))
        .build();
    try {
      s3.putObject(put, RequestBody.fromBytes(bundle));
      return new UploadOutcome.Uploaded(key);
    } catch (S3Exception e) {
      if (e.statusCode() != PRECONDITION_FAILED) {
        throw e;
      }
    }
    HeadObjectResponse existing = s3.headObject(b -> b.bucket(bucket).key(key));
    String existingSha = existing.metadata().get(SHA256_METADATA);
    return meta.sha256().equals(existingSha)
        ? new UploadOutcome.AlreadyPresent(key)
        : new UploadOutcome.Conflict(key, existingSha, meta.sha256());
  }
}
