package io.tidemark.schemas;

import io.tidemark.schemas.avro.ChangeEvent;
import io.tidemark.schemas.avro.SnapshotRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * Kafka record values: Avro single-object encoding, which carries the schema's fingerprint so a
 * reader detects a record of a schema it does not know. Thread-safe.
 *
 * <p>Writes the same bytes as Avro's {@code BinaryMessageEncoder}, through a buffered encoder:
 * that one writes byte by byte into a synchronized stream, a large share of capture's CPU.
 *
 * @param <T> the record type
 */
public final class KafkaCodec<T> {
  static {
    AvroTrust.ensure();
  }

  public static final KafkaCodec<ChangeEvent> CHANGES = new KafkaCodec<>(
      ChangeEvent.getClassSchema(), ChangeEvent.getDecoder(), "change event");
  public static final KafkaCodec<SnapshotRecord> SNAPSHOT = new KafkaCodec<>(
      SnapshotRecord.getClassSchema(), SnapshotRecord.getDecoder(), "snapshot record");

  /** A buffer that grew past this for one huge record is not kept for the thread. */
  private static final int KEEP_BYTES = 1 << 20;
  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  private final byte[] header;
  private final SpecificDatumWriter<T> writer;
  private final BinaryMessageDecoder<T> decoder;
  private final String what;

  private KafkaCodec(Schema schema, BinaryMessageDecoder<T> decoder, String what) {
    this.header = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN)
        .put((byte) 0xC3).put((byte) 0x01)
        .putLong(SchemaNormalization.parsingFingerprint64(schema)).array();
    this.writer = new SpecificDatumWriter<>(schema);
    this.decoder = decoder;
    this.what = what;
  }

  public byte[] serialize(T record) {
    Scratch s = SCRATCH.get();
    s.out.reset();
    s.out.write(header, 0, header.length);
    s.encoder = EncoderFactory.get().binaryEncoder(s.out, s.encoder);
    try {
      writer.write(record, s.encoder);
      s.encoder.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("in-memory encoding failed", e);
    }
    byte[] bytes = s.out.toByteArray();
    if (bytes.length > KEEP_BYTES) {
      SCRATCH.remove();
    }
    return bytes;
  }

  /**
   * The Avro binary encoding inside a value this codec wrote: the bytes a bundle stores for the
   * record, without encoding it again. The value's schema fingerprint must be this codec's.
   */
  public ByteBuffer datum(byte[] value) {
    if (value.length < header.length
        || !Arrays.equals(value, 0, header.length, header, 0, header.length)) {
      throw new IllegalArgumentException("a Kafka record is not a Tidemark " + what
          + " of this version's schema (its header differs)");
    }
    return ByteBuffer.wrap(value, header.length, value.length - header.length).slice();
  }

  /** Decodes a value; anything else is an IllegalArgumentException naming what was expected. */
  public T deserialize(byte[] bytes) {
    try {
      return decoder.decode(ByteBuffer.wrap(bytes));
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("a Kafka record is not a Tidemark " + what + ": " + e, e);
    }
  }

  private static final class Scratch {
    final ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    BinaryEncoder encoder;
  }
}
