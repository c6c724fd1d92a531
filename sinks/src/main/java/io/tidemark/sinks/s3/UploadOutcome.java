package io.tidemark.sinks.s3;

/** What became of one bundle upload. */
public sealed interface UploadOutcome {
  /** The bundle is now in S3. */
  record Uploaded(String key) implements UploadOutcome {}

  /** The same bundle (same SHA-256) was already at the key: an earlier attempt succeeded. */
  record AlreadyPresent(String key) implements UploadOutcome {}

  /** A different object holds the key: the partition must stop, loudly. */
  record Conflict(String key, String existingSha256, String bundleSha256) implements UploadOutcome {}
}
