package io.tidemark.schemas;

/**
 * An encrypted bundle that cannot be opened with the master key at hand (none, or another one).
 * The message names the bundle, the key id it needs and how to provide the key; never a key.
 */
public final class BundleKeyException extends RuntimeException {
  public BundleKeyException(String message) {
    super(message);
  }
}
