package io.tidemark.schemas;

import io.tidemark.schemas.avro.ChangeEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * The Kafka record value of a change event: Avro single-object encoding, which carries the
 * schema's fingerprint so a reader detects a schema it does not know.
 */
public final class ChangeEvents {
  private ChangeEvents() {}

  static {
    AvroTrust.ensure();
  }

  public static byte[] serialize(ChangeEvent event) {
    try {
      ByteBuffer buffer = event.toByteBuffer();
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException("in-memory encoding failed", e);
    }
  }

  public static ChangeEvent deserialize(byte[] bytes) {
    try {
      return ChangeEvent.fromByteBuffer(ByteBuffer.wrap(bytes));
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("a Kafka record is not a Tidemark change event: " + e, e);
    }
  }
}
