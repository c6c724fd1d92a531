package io.tidemark.schemas;

import io.tidemark.schemas.avro.Column;
import java.security.MessageDigest;
import java.util.List;

/**
 * An order-independent checksum of a table's rows in their canonical column form: the sum,
 * modulo 2^64, of the first 8 bytes of the SHA-256 of each row's Avro binary encoding (schema
 * {@code array<Column>}). Chunks read in parallel combine by {@link #add(RowChecksum)}; a
 * snapshot and the table restored from it must agree. The snapshot hashes the very bytes it
 * sends to Kafka ({@link SnapshotRowEncoder}); the restore check encodes the rows it reads back
 * with the same {@link RowBytes}.
 *
 * <p>Not thread-safe; use one per thread and combine.
 */
public final class RowChecksum {
  private final MessageDigest sha256 = Hashing.sha256();
  private RowBytes scratch;
  private long sum;
  private long rows;

  public void add(List<Column> row) {
    if (scratch == null) {
      scratch = new RowBytes();
    }
    scratch.encode(row);
    add(scratch);
  }

  /** Adds a row already encoded. */
  void add(RowBytes encoded) {
    sha256.update(encoded.array(), 0, encoded.length());
    byte[] digest = sha256.digest();
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
