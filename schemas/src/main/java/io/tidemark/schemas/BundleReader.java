package io.tidemark.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.Decoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Streams the events of one bundle and checks them against its header: the event count and the
 * SHA-256 of the body are verified when the last event has been read, so a consumer that applies
 * events as it reads must treat the bundle as unapplied until iteration ends without a
 * {@link CorruptBundleException}. Memory is one Avro block of a plain bundle; an encrypted bundle
 * is held whole while its GCM tag is checked, before any event is handed out.
 *
 * <p>Not thread-safe.
 */
public final class BundleReader<T extends SpecificRecordBase> implements Iterator<T>, AutoCloseable {
  private final DataFileStream<T> stream;
  private final BundleMetadata metadata;
  private final MessageDigest sha256 = Hashing.sha256();
  private final SpecificDatumReader<T> datumReader;
  private final String name;
  /** The events of the current block, decoded one by one from its bytes (already hashed). */
  private BinaryDecoder block;
  private long leftInBlock;
  private long read;
  private boolean verified;

  static {
    AvroTrust.ensure();
  }

  /**
   * Opens a plain bundle of the given content; {@code name} (its key or path) appears in every
   * error. An encrypted bundle is refused with a {@link BundleKeyException} naming its key id.
   */
  public BundleReader(BundleContent<T> content, InputStream in, String name) throws IOException {
    this(content, in, name, null);
  }

  /**
   * Opens a bundle of the given content, plain or encrypted.
   *
   * @param masterKey the key encrypted bundles need; null when none is configured
   * @throws BundleKeyException when the bundle is encrypted and {@code masterKey} is not its key
   */
  public BundleReader(BundleContent<T> content, InputStream in, String name, MasterKey masterKey)
      throws IOException {
    this.name = name;
    this.datumReader = new SpecificDatumReader<>(content.type());
    try {
      this.stream = new DataFileStream<>(BundleEnvelope.open(in, name, masterKey), datumReader);
    } catch (IOException | AvroRuntimeException e) {
      throw new CorruptBundleException("'" + name + "' is not a bundle: " + e.getMessage());
    }
    String actual = stream.getMetaString(BundleMetadata.PREFIX + "content");
    if (!content.name().equals(actual)) {
      throw new CorruptBundleException("'" + name + "' holds " + actual + ", not " + content);
    }
    try {
      this.metadata = BundleMetadata.fromHeader(stream::getMetaString);
    } catch (CorruptBundleException e) {
      throw new CorruptBundleException("'" + name + "': " + e.getMessage());
    }
  }

  public BundleMetadata metadata() {
    return metadata;
  }

  /**
   * Whether an event follows. The body is read a block at a time: the block's bytes, the
   * events' encodings one after another, go into the hash as they are, so nothing is encoded
   * again to check it.
   */
  @Override
  public boolean hasNext() {
    while (leftInBlock == 0) {
      try {
        if (!stream.hasNext()) {
          verify();
          return false;
        }
        ByteBuffer bytes = stream.nextBlock();
        leftInBlock = stream.getBlockCount();
        sha256.update(bytes.duplicate());
        block = DecoderFactory.get().binaryDecoder(bytes.array(),
            bytes.arrayOffset() + bytes.position(), bytes.remaining(), block);
      } catch (IOException | AvroRuntimeException e) {
        throw new CorruptBundleException("'" + name + "' is damaged after event " + read + ": "
            + e.getMessage());
      }
    }
    return true;
  }

  @Override
  public T next() {
    return next(in -> datumReader.read(null, in));
  }

  /** Decodes an event's encoding, e.g. into a {@link SnapshotRow}. */
  @FunctionalInterface
  public interface Decoding<R> {
    R decode(Decoder in) throws IOException;
  }

  /**
   * Reads the next event with {@code decoding} instead of into a new object (see
   * {@link #writerSchema()}), with the same checks as {@link #next()}.
   */
  public <R> R next(Decoding<R> decoding) {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    R event;
    try {
      event = decoding.decode(block);
    } catch (IOException | AvroRuntimeException e) {
      throw new CorruptBundleException("'" + name + "' is damaged at event " + read + ": "
          + e.getMessage());
    }
    leftInBlock--;
    read++;
    return event;
  }

  /** The schema the bundle's events were written in, which {@link #next(Decoding)} reads. */
  public Schema writerSchema() {
    return stream.getSchema();
  }

  private void verify() {
    if (verified) {
      return;
    }
    if (read != metadata.eventCount()) {
      throw new CorruptBundleException("'" + name + "' holds " + read + " events but its header"
          + " says " + metadata.eventCount());
    }
    String actual = HexFormat.of().formatHex(sha256.digest());
    if (!actual.equals(metadata.sha256())) {
      throw new CorruptBundleException("'" + name + "' fails its SHA-256 check (header "
          + metadata.sha256() + ", body " + actual + ")");
    }
    verified = true;
  }

  @Override
  public void close() throws IOException {
    stream.close();
  }
}
