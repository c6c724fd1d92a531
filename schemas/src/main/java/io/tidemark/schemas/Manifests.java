package io.tidemark.schemas;

import io.tidemark.schemas.avro.SnapshotManifest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.Encoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;

/** Snapshot manifests as Avro JSON: readable by a person, checked against the schema by us. */
public final class Manifests {
  private Manifests() {}

  static {
    AvroTrust.ensure();
  }

  public static byte[] toJson(SnapshotManifest manifest) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      Encoder encoder = EncoderFactory.get().jsonEncoder(SnapshotManifest.getClassSchema(), out, true);
      new SpecificDatumWriter<>(SnapshotManifest.class).write(manifest, encoder);
      encoder.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Parses a manifest; a damaged one is a {@link CorruptBundleException} naming {@code name}. */
  public static SnapshotManifest fromJson(byte[] json, String name) {
    try {
      return new SpecificDatumReader<>(SnapshotManifest.class).read(null,
          DecoderFactory.get().jsonDecoder(SnapshotManifest.getClassSchema(),
              new java.io.ByteArrayInputStream(json)));
    } catch (IOException | RuntimeException e) {
      throw new CorruptBundleException("snapshot manifest '" + name + "' is unreadable: " + e);
    }
  }
}
