package io.tidemark.schemas;

import io.tidemark.schemas.avro.Column;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * An order-independent checksum of a table's rows in their canonical column form: the sum,
 * modulo 2^64, of the first 8 bytes of each row's SHA-256. Chunks read in parallel combine by
 * {@link #add(RowChecksum)}; a snapshot and the table restored from it must agree.
 *
 * <p>Not thread-safe; use one per thread and combine.
 */
public final class RowChecksum {
  private static final Schema ROW = Schema.createArray(Column.getClassSchema());

  private final SpecificDatumWriter<List<Column>> writer = new SpecificDatumWriter<>(ROW);
  private final ByteArrayOutputStream scratch = new ByteArrayOutputStream(256);
  private final MessageDigest sha256 = Hashing.sha256();
  private BinaryEncoder encoder;
  private long sum;
  private long rows;

  public void add(List<Column> row) {
    scratch.reset();
    encoder = EncoderFactory.get().directBinaryEncoder(scratch, encoder);
    try {
      writer.write(row, encoder);
      encoder.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    byte[] digest = sha256.digest(scratch.toByteArray());
    long h = 0;
    for (int i = 0; i < 8; i++) {
      h = (h << 8) | (digest[i] & 0xff);
    }
    sum += h;
    rows++;
  }

  public void add(RowChecksum other) {
    sum += other.sum;
    rows += other.rows;
  }

  public long rows() {
    return rows;
  }

  /** 16 hex digits. */
  public String hex() {
    return String.format("%016x", sum);
  }
}
