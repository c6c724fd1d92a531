package io.tidemark.schemas;

import io.tidemark.schemas.avro.ChangeEvent;
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

/**
 * Streams the events of one bundle and checks them against its header: the event count and the
 * SHA-256 of the body are verified when the last event has been read, so a consumer that applies
 * events as it reads must treat the bundle as unapplied until iteration ends without a
 * {@link CorruptBundleException}. Memory is one Avro block, not the whole bundle.
 *
 * <p>Not thread-safe.
 */
public final class BundleReader implements Iterator<ChangeEvent>, AutoCloseable {
  private final DataFileStream<ChangeEvent> stream;
  private final BundleMetadata metadata;
  private final MessageDigest sha256 = Hashing.sha256();
  private final SpecificDatumWriter<ChangeEvent> reencoder =
      new SpecificDatumWriter<>(ChangeEvent.class);
  private final ByteArrayOutputStream scratch = new ByteArrayOutputStream(1024);
  private final String name;
  private BinaryEncoder encoder;
  private long read;
  private boolean verified;

  static {
    AvroTrust.ensure();
  }

  /** Opens a bundle; {@code name} (its key or path) appears in every error. */
  public BundleReader(InputStream in, String name) throws IOException {
    this.name = name;
    try {
      this.stream = new DataFileStream<>(in, new SpecificDatumReader<>(ChangeEvent.class));
    } catch (IOException | AvroRuntimeException e) {
      throw new CorruptBundleException("'" + name + "' is not a bundle: " + e.getMessage());
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
  public ChangeEvent next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    ChangeEvent event;
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

  private void hash(ChangeEvent event) {
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
