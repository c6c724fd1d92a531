package io.tidemark.schemas;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
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
  private final SpecificDatumWriter<T> reencoder;
  private final ByteArrayOutputStream scratch = new ByteArrayOutputStream(1024);
  private final String name;
  private BinaryEncoder encoder;
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
    this.reencoder = new SpecificDatumWriter<>(content.type());
    try {
      this.stream = new DataFileStream<>(BundleEnvelope.open(in, name, masterKey),
          new SpecificDatumReader<>(content.type()));
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

  @Override
  public boolean hasNext() {
    boolean more;
    try {
      more = stream.hasNext();
    } catch (AvroRuntimeException e) {
      throw new CorruptBundleException("'" + name + "' is damaged after event " + read + ": "
          + e.getMessage());
    }
    if (!more) {
      verify();
    }
    return more;
  }

  @Override
  public T next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    T event;
    try {
      event = stream.next();
    } catch (AvroRuntimeException e) {
      throw new CorruptBundleException("'" + name + "' is damaged at event " + read + ": "
          + e.getMessage());
    }
    hash(event);
    read++;
    return event;
  }

  private void hash(T event) {
    scratch.reset();
    encoder = EncoderFactory.get().directBinaryEncoder(scratch, encoder);
    try {
      reencoder.write(event, encoder);
      encoder.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    sha256.update(scratch.toByteArray());
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
