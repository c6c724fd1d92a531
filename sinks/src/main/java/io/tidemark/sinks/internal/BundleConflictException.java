package io.tidemark.sinks.internal;

/**
 * A different bundle already sits at a bundle's key: uploading ours would lose one of them, so
 * the partition stops. The message names the key, both hashes and what to do.
 */
public final class BundleConflictException extends RuntimeException {
  private final String key;

  public BundleConflictException(String key, String existingSha256, String bundleSha256) {
    super(key + " already holds a different bundle (sha256 " + existingSha256 + " there, "
        + bundleSha256 + " ours). Two sinks write to one repository prefix, or the object was"
        + " replaced: give each source its own prefix (S3_BUCKET=s3://bucket/prefix), or, after"
        + " checking which bundle is right, move the object at " + key + " aside and restart the"
        + " sink, which then uploads its own");
    this.key = key;
  }

  public String key() {
    return key;
  }
}
