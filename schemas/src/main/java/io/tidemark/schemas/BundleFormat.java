package io.tidemark.schemas;

import java.util.Objects;

/**
 * How bundles are written: compression, and encryption when a master key is given. Readers need
 * neither setting (the codec is in the Avro header); an encrypted bundle needs the master key.
 *
 * @param codec compression of the Avro blocks
 * @param masterKey wraps each bundle's data key; null writes plain bundles
 */
public record BundleFormat(BundleCodec codec, MasterKey masterKey) {
  /** zstd, not encrypted. */
  public static final BundleFormat DEFAULT = new BundleFormat(BundleCodec.ZSTD, null);

  public BundleFormat {
    Objects.requireNonNull(codec, "codec");
  }

  public static BundleFormat of(BundleCodec codec) {
    return new BundleFormat(codec, null);
  }

  public BundleFormat encryptedWith(MasterKey key) {
    return new BundleFormat(codec, key);
  }

  public boolean encrypted() {
    return masterKey != null;
  }
}
