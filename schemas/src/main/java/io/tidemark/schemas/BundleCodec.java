package io.tidemark.schemas;

import org.apache.avro.file.CodecFactory;

/**
 * Compression of a bundle's Avro blocks. Only the writer chooses: Avro names the codec in the
 * file header ({@code avro.codec}), so any reader decompresses every codec without configuration.
 */
public enum BundleCodec {
  /** The default: the best ratio for its speed. */
  ZSTD {
    @Override
    CodecFactory avro() {
      return CodecFactory.zstandardCodec(3);
    }
  },
  /** Fastest; snappy-java must be on the class path of writers and readers. */
  SNAPPY {
    @Override
    CodecFactory avro() {
      return CodecFactory.snappyCodec();
    }
  },
  DEFLATE {
    @Override
    CodecFactory avro() {
      return CodecFactory.deflateCodec(6);
    }
  },
  NONE {
    @Override
    CodecFactory avro() {
      return CodecFactory.nullCodec();
    }
  };

  abstract CodecFactory avro();

  /** The codec named {@code name}, case-insensitively, for configuration. */
  public static BundleCodec parse(String name) {
    for (BundleCodec c : values()) {
      if (c.name().equalsIgnoreCase(name.trim())) {
        return c;
      }
    }
    throw new IllegalArgumentException("unknown bundle compression '" + name
        + "'; choose zstd, snappy, deflate or none");
  }
}
