package io.tidemark.schemas;

import org.apache.avro.file.CodecFactory;

/** Compression of a bundle's Avro blocks. */
public enum BundleCodec {
  ZSTD {
    @Override
    CodecFactory avro() {
      return CodecFactory.zstandardCodec(3);
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
}
