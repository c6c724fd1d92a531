package io.tidemark.schemas;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Builds one bundle: an Avro object container file of the entries (change events or snapshot
 * records) of one topic-partition, in offset order, whose header carries its
 * {@link BundleMetadata}.
 *
 * <p>Events are encoded as they are added (so the caller can drop them) and written out by
 * {@link #writeTo}, because the header, which holds the body's hash, comes first in the file.
 * Not thread-safe; one writer per bundle.
 */
public final class BundleWriter<T extends SpecificRecordBase> {
  private final BundleContent<T> content;
  private final String topic;
  private final int partition;
  private final SpecificDatumWriter<T> datumWriter;
  private final MessageDigest sha256 = Hashing.sha256();
  private final List<ByteBuffer> encoded = new ArrayList<>();
  private final ByteArrayOutputStream scratch = new ByteArrayOutputStream(1024);
  private BinaryEncoder encoder;
  private final OffsetRuns offsets = new OffsetRuns();
  private long firstOffset = -1;
  private long lastOffset = -1;
  private SourcePosition firstPosition;
  private SourcePosition lastPosition;
  private long encodedBytes;
  private String bodySha256;

  public BundleWriter(BundleContent<T> content, String topic, int partition) {
    this.content = content;
    this.topic = topic;
    this.partition = partition;
    this.datumWriter = new SpecificDatumWriter<>(content.type());
  }

  /** Adds the event consumed at {@code offset}; offsets must increase. */
  public void add(long offset, T event) {
    scratch.reset();
    encoder = EncoderFactory.get().directBinaryEncoder(scratch, encoder);
    try {
      datumWriter.write(event, encoder);
      encoder.flush();
    } catch (IOException e) {
      throw new IllegalStateException("in-memory encoding failed", e);
    }
    add(offset, event, ByteBuffer.wrap(scratch.toByteArray()));
  }

  /**
   * Adds the event consumed at {@code offset} with its Avro binary encoding in this content's
   * schema (as {@link KafkaCodec#datum} finds it in a Kafka record), which is kept, not
   * encoded again; offsets must increase.
   */
  public void add(long offset, T event, ByteBuffer datum) {
    if (bodySha256 != null) {
      throw new IllegalStateException("the bundle's metadata was taken; it takes no more events");
    }
    if (offset <= lastOffset) {
      throw new IllegalArgumentException(
          "offset " + offset + " does not follow " + lastOffset + " in " + topic + "-" + partition);
    }
    sha256.update(datum.duplicate());
    encoded.add(datum);
    encodedBytes += datum.remaining();
    offsets.add(offset);
    SourcePosition position = content.positionOf(event);
    if (firstOffset < 0) {
      firstOffset = offset;
      firstPosition = position;
    }
    lastOffset = offset;
    lastPosition = position;
  }

  public int eventCount() {
    return encoded.size();
  }

  /** Uncompressed size of the events added so far. */
  public long encodedBytes() {
    return encodedBytes;
  }

  /**
   * The metadata {@link #writeTo(OutputStream, BundleFormat, String)} will write, known before
   * the file is (its key and its hash, for the next bundle's chain link); the bundle takes no
   * more events after this.
   *
   * @param previousSha256 the hash of the partition's previous bundle ("" for none; null outside
   *     a hash chain, e.g. snapshot chunks)
   */
  public BundleMetadata metadata(String previousSha256) {
    if (encoded.isEmpty()) {
      throw new IllegalStateException("an empty bundle is never written");
    }
    if (bodySha256 == null) {
      bodySha256 = HexFormat.of().formatHex(sha256.digest());
    }
    return new BundleMetadata(topic, partition, firstOffset, lastOffset, firstPosition,
        lastPosition, encoded.size(), bodySha256, offsets.format(), previousSha256);
  }

  /** Writes a plain container file, outside any hash chain, to {@code out} (not closed). */
  public BundleMetadata writeTo(OutputStream out, BundleCodec codec) throws IOException {
    return writeTo(out, BundleFormat.of(codec), null);
  }

  /**
   * Writes the bundle to {@code out} (not closed), encrypted when the format has a master key,
   * and returns its metadata.
   *
   * @param previousSha256 the hash of the partition's previous bundle ("" for none; null outside
   *     a hash chain, e.g. snapshot chunks)
   */
  public BundleMetadata writeTo(OutputStream out, BundleFormat format, String previousSha256)
      throws IOException {
    BundleMetadata meta = metadata(previousSha256);
    if (!format.encrypted()) {
      writeContainer(out, format.codec(), meta);
      return meta;
    }
    ByteArrayOutputStream plain = new ByteArrayOutputStream((int) Math.min(encodedBytes, 1 << 26));
    writeContainer(plain, format.codec(), meta);
    out.write(BundleEnvelope.seal(plain.toByteArray(), meta, format.masterKey()));
    return meta;
  }

  private void writeContainer(OutputStream out, BundleCodec codec, BundleMetadata meta)
      throws IOException {
    DataFileWriter<T> file = new DataFileWriter<>(datumWriter);
    file.setCodec(codec.avro());
    meta.toHeader().forEach(file::setMeta);
    file.setMeta(BundleMetadata.PREFIX + "content", content.name());
    file.create(content.schema(), new NonClosing(out));
    for (ByteBuffer e : encoded) {
      file.appendEncoded(e.duplicate());
    }
    file.close();
  }

  /** Keeps DataFileWriter.close() from closing the caller's stream. */
  private static final class NonClosing extends java.io.FilterOutputStream {
    NonClosing(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }
}
