package io.tidemark.schemas;

import io.tidemark.schemas.avro.Column;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.AvroRuntimeException;

/**
 * The Avro binary encoding of a row, an array of {@link Column}, written straight into a
 * reusable buffer: byte for byte what {@code SpecificDatumWriter} writes for the schema
 * {@code array<Column>}, without its per-value union resolution and byte-wise stream writes,
 * which were most of a snapshot's CPU. {@code RowBytesTest} pins the equality.
 *
 * <p>Not thread-safe; one per thread.
 */
final class RowBytes {
  // Union branches of Column.value, in the order of ChangeEvent.avsc.
  private static final int NULL = 0;
  private static final int BOOLEAN = 1;
  private static final int LONG = 2;
  private static final int DOUBLE = 3;
  private static final int STRING = 4;
  private static final int BYTES = 5;

  private byte[] buf = new byte[512];
  private int len;
  // Rows of one result set share their name strings: encode each name once.
  private String[] names = new String[0];
  private byte[][] encodedNames = new byte[0][];

  /** Replaces the content with the encoding of {@code row}. */
  void encode(List<Column> row) {
    len = 0;
    int n = row.size();
    if (n > 0) {
      writeLong(n);
      for (int i = 0; i < n; i++) {
        Column c = row.get(i);
        writeBytes(name(i, c.getName()));
        writeValue(c.getValue());
      }
    }
    writeLong(0);
  }

  byte[] array() {
    return buf;
  }

  int length() {
    return len;
  }

  private byte[] name(int i, String name) {
    if (i >= names.length) {
      names = Arrays.copyOf(names, i + 8);
      encodedNames = Arrays.copyOf(encodedNames, i + 8);
    }
    if (names[i] != name) {
      names[i] = name;
      encodedNames[i] = name.getBytes(StandardCharsets.UTF_8);
    }
    return encodedNames[i];
  }

  private void writeValue(Object v) {
    if (v == null) {
      writeLong(NULL);
    } else if (v instanceof Long l) {
      writeLong(LONG);
      writeLong(l);
    } else if (v instanceof CharSequence s) {
      writeLong(STRING);
      writeBytes(s.toString().getBytes(StandardCharsets.UTF_8));
    } else if (v instanceof ByteBuffer b) {
      writeLong(BYTES);
      writeLong(b.remaining());
      ensure(b.remaining());
      b.duplicate().get(buf, len, b.remaining());
      len += b.remaining();
    } else if (v instanceof Double d) {
      writeLong(DOUBLE);
      writeDouble(d);
    } else if (v instanceof Boolean b) {
      writeLong(BOOLEAN);
      ensure(1);
      buf[len++] = (byte) (b ? 1 : 0);
    } else {
      // What Avro's union resolution says for a type the schema does not have.
      throw new AvroRuntimeException("Not in union " + Column.getClassSchema().getField("value")
          .schema() + ": " + v + " (" + v.getClass().getName() + ")");
    }
  }

  private void writeBytes(byte[] b) {
    writeLong(b.length);
    ensure(b.length);
    System.arraycopy(b, 0, buf, len, b.length);
    len += b.length;
  }

  /** Zig-zag varint, as Avro writes int and long. */
  private void writeLong(long v) {
    ensure(10);
    long z = (v << 1) ^ (v >> 63);
    while ((z & ~0x7FL) != 0) {
      buf[len++] = (byte) ((z & 0x7F) | 0x80);
      z >>>= 7;
    }
    buf[len++] = (byte) z;
  }

  /** IEEE 754 bits, little-endian. */
  private void writeDouble(double d) {
    ensure(8);
    long bits = Double.doubleToRawLongBits(d);
    for (int i = 0; i < 8; i++) {
      buf[len++] = (byte) (bits >>> (8 * i));
    }
  }

  private void ensure(int more) {
    if (len + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
    }
  }
}
