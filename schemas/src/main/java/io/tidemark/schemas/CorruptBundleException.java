package io.tidemark.schemas;

/** A bundle whose header, body or checksum is not what its writer produced. */
public final class CorruptBundleException extends RuntimeException {
  public CorruptBundleException(String message) {
    super(message);
  }
}
