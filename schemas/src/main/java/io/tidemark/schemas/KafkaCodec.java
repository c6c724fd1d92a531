package io.tidemark.schemas;

import io.tidemark.schemas.avro.ChangeEvent;
import io.tidemark.schemas.avro.SnapshotRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;

/**
 * Kafka record values: Avro single-object encoding, which carries the schema's fingerprint so a
 * reader detects a record of a schema it does not know. Thread-safe.
 *
 * @param <T> the record type
 */
public final class KafkaCodec<T> {
  static {
    AvroTrust.ensure();
  }

  public static final KafkaCodec<ChangeEvent> CHANGES =
      new KafkaCodec<>(ChangeEvent.getEncoder(), ChangeEvent.getDecoder(), "change event");
  public static final KafkaCodec<SnapshotRecord> SNAPSHOT =
      new KafkaCodec<>(SnapshotRecord.getEncoder(), SnapshotRecord.getDecoder(), "snapshot record");

  private final BinaryMessageEncoder<T> encoder;
  private final BinaryMessageDecoder<T> decoder;
  private final String what;

  private KafkaCodec(BinaryMessageEncoder<T> encoder, BinaryMessageDecoder<T> decoder, String what) {
    this.encoder = encoder;
    this.decoder = decoder;
    this.what = what;
  }

  public byte[] serialize(T record) {
    try {
      ByteBuffer buffer = encoder.encode(record);
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException("in-memory encoding failed", e);
    }
  }

  /** Decodes a value; anything else is an IllegalArgumentException naming what was expected. */
  public T deserialize(byte[] bytes) {
    try {
      return decoder.decode(ByteBuffer.wrap(bytes));
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("a Kafka record is not a Tidemark " + what + ": " + e, e);
    }
  }
}
