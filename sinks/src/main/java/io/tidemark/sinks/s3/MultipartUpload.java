package io.tidemark.sinks.s3;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/**
 * One object uploaded in parts, completed only if the key is still free
 * ({@code If-None-Match: *} on CompleteMultipartUpload, which S3 and S3Proxy's filesystem and
 * transient stores honour atomically). Any failure aborts the upload, so no parts are left
 * behind to be billed. Parts are slices of the caller's array, each re-readable for the SDK's
 * retries, never copies.
 */
final class MultipartUpload {
  /** S3's smallest part (except the last). */
  static final int MIN_PART_BYTES = 5 * 1024 * 1024;

  private MultipartUpload() {}

  /**
   * Uploads {@code body} in parts of {@code partBytes}; throws the S3 failure (a 412 when the key
   * was taken meanwhile).
   */
  static void put(S3Client s3, String bucket, String key, byte[] body, int partBytes,
      String contentType, Map<String, String> metadata) {
    String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(key)
        .contentType(contentType).metadata(metadata)).uploadId();
    try {
      List<CompletedPart> parts = new ArrayList<>();
      for (int offset = 0, number = 1; offset < body.length; offset += partBytes, number++) {
        int length = Math.min(partBytes, body.length - offset);
        int from = offset;
        UploadPartRequest part = UploadPartRequest.builder().bucket(bucket).key(key)
            .uploadId(uploadId).partNumber(number).contentLength((long) length).build();
        String etag = s3.uploadPart(part, RequestBody.fromContentProvider(
            () -> new ByteArrayInputStream(body, from, length), length, contentType)).eTag();
        parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
      }
      s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
          .ifNoneMatch("*").multipartUpload(m -> m.parts(parts)));
    } catch (RuntimeException e) {
      abortQuietly(s3, bucket, key, uploadId, e);
      throw e;
    }
  }

  private static void abortQuietly(S3Client s3, String bucket, String key, String uploadId,
      RuntimeException cause) {
    try {
      s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
    } catch (RuntimeException e) {
      cause.addSuppressed(e); // S3 down: its lifecycle rules clean up; the bundle is retried
    }
  }
}
