package io.tidemark.restore.internal;

import io.tidemark.schemas.SnapshotRow;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Rows in the text format of {@code LOAD DATA ... CHARACTER SET utf8mb4 FIELDS TERMINATED BY
 * '\t' ESCAPED BY '\\' LINES TERMINATED BY '\n'} ({@link #FORMAT}), each canonical column value
 * (see ChangeEvent.avsc) in a form the server parses back exactly:
 *
 * <ul>
 *   <li>NULL as {@code \N};
 *   <li>text (CHAR..JSON, DECIMAL, BIGINT UNSIGNED, dates and times) as UTF-8 with backslash,
 *       tab, newline, carriage return and NUL escaped; the server converts it to the column's
 *       character set as it does for a bound string;
 *   <li>long as its decimal digits; double as its digits when it has few decimals, else as
 *       {@link Double#toString}, the shortest text that
 *       parses back to the same double (what the driver sends for a bound double);
 *   <li>bytes (BINARY, BLOBs, BIT, geometry in storage format) and BIT(1)'s boolean (or
 *       number, as a snapshot reads it: eight bytes, big-endian) as hex digits, which the statement turns back into bytes with {@code UNHEX()} in its SET
 *       clause: no character set conversion can touch them, and a BIT column would otherwise
 *       read the ASCII digit, not the bit.
 * </ul>
 *
 * A growable buffer. Not thread-safe.
 */
final class LoadDataText {
  /** The clauses the statement must use for this encoding. */
  static final String FORMAT = "CHARACTER SET utf8mb4 FIELDS TERMINATED BY '\\t'"
      + " ESCAPED BY '\\\\' LINES TERMINATED BY '\\n'";

  private static final int MAX_DECIMALS = 8;
  /** 10^0 to 10^8, each a double exactly. */
  private static final double[] POW10 = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8};
  /** For each byte below 0x5d, the letter of its escape, or 0 when it needs none. */
  private static final byte[] ESCAPES = new byte['\\' + 1];

  static {
    ESCAPES['\\'] = '\\';
    ESCAPES['\t'] = 't';
    ESCAPES['\n'] = 'n';
    ESCAPES['\r'] = 'r';
    ESCAPES[0] = '0';
  }

  private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

  private byte[] bytes;
  private int size;

  /** @param capacity the bytes it holds before it first grows (it doubles as it must) */
  LoadDataText(int capacity) {
    bytes = new byte[capacity];
  }

  int size() {
    return size;
  }

  byte[] array() {
    return bytes;
  }

  void clear() {
    size = 0;
  }

  /** Ends a field: a tab before the next one, a newline after the last one of the row. */
  void separator(boolean lastOfRow) {
    put(lastOfRow ? (byte) '\n' : (byte) '\t');
  }

  /** Column {@code i} of {@code row}, a column read as text. */
  void text(SnapshotRow row, int i) {
    switch (row.kind(i)) {
      case NULL -> nullValue();
      case LONG -> digits(row.longValue(i));
      case DOUBLE -> decimal(row.doubleValue(i));
      case BOOLEAN -> put(row.booleanValue(i) ? (byte) '1' : (byte) '0');
      case STRING -> escaped(row.bytes(i), row.length(i));
      case BYTES -> throw new IllegalArgumentException("a bytes value (column "
          + row.name(i) + ") cannot load into a text or number column");
    }
  }

  /** Column {@code i} of {@code row}, a column read through {@code UNHEX()}. */
  void hex(SnapshotRow row, int i) {
    switch (row.kind(i)) {
      case NULL -> nullValue();
      case BYTES -> hexDigits(row.bytes(i), row.length(i));
      case BOOLEAN -> ascii(row.booleanValue(i) ? "01" : "00");
      // a snapshot reads BIT(1) as a number; the server drops a BIT value's leading zero bytes
      case LONG -> ascii(String.format("%016X", row.longValue(i)));
      case DOUBLE, STRING -> throw new IllegalArgumentException("a " + row.kind(i)
          + " value (column " + row.name(i) + ") cannot load into a binary, BIT or geometry"
          + " column");
    }
  }

  private void hexDigits(byte[] b, int length) {
    ensure(2 * length);
    for (int i = 0; i < length; i++) {
      int x = b[i] & 0xff;
      bytes[size++] = HEX[x >>> 4];
      bytes[size++] = HEX[x & 0xf];
    }
  }

  /**
   * A double as text that parses back to it: a value with up to {@link #MAX_DECIMALS} decimals
   * (what a DOUBLE column mostly holds) as those digits, anything else as
   * {@link Double#toString}, which costs Java 17 ~20 times as much. Exact because m and 10^k
   * are both doubles exactly, so m / 10^k, the division rounded once, equals v only when v is
   * the double nearest the decimal m·10^-k, which is what the server's parse returns.
   */
  private void decimal(double v) {
    if (v != 0 && Math.abs(v) < 1e9) {
      for (int k = 0; k <= MAX_DECIMALS; k++) {
        long m = Math.round(v * POW10[k]);
        if (Math.abs(m) < 1L << 53 && m / POW10[k] == v) {
          fixedPoint(m, k);
          return;
        }
      }
    }
    ascii(Double.toString(v));
  }

  /** The digits of {@code m / 10^k}, with a point before the last k digits. */
  private void fixedPoint(long m, int k) {
    ensure(24);
    if (m < 0) {
      bytes[size++] = '-';
      m = -m;
    }
    int first = size;
    for (int d = 0; d < k; d++) { // the decimals, the last first
      bytes[size++] = (byte) ('0' + m % 10);
      m /= 10;
    }
    if (k > 0) {
      bytes[size++] = '.';
    }
    do {
      bytes[size++] = (byte) ('0' + m % 10);
      m /= 10;
    } while (m != 0);
    reverse(first);
  }

  /** A long's decimal digits, written in place (no String per value). */
  private void digits(long v) {
    if (v == Long.MIN_VALUE) {
      ascii(Long.toString(v));
      return;
    }
    ensure(20);
    if (v < 0) {
      bytes[size++] = '-';
      v = -v;
    }
    int first = size;
    do {
      bytes[size++] = (byte) ('0' + v % 10);
      v /= 10;
    } while (v != 0);
    reverse(first);
  }

  /** Reverses the bytes from {@code first} to the end, digits written last first. */
  private void reverse(int first) {
    for (int i = first, j = size - 1; i < j; i++, j--) {
      byte t = bytes[i];
      bytes[i] = bytes[j];
      bytes[j] = t;
    }
  }

  private void nullValue() {
    put((byte) '\\');
    put((byte) 'N');
  }

  private void ascii(String s) {
    ensure(s.length());
    for (int i = 0; i < s.length(); i++) {
      bytes[size++] = (byte) s.charAt(i);
    }
  }

  /** UTF-8 text with the bytes LOAD DATA reads as syntax escaped; runs between them copied whole. */
  private void escaped(byte[] utf8, int length) {
    ensure(2 * length);
    int run = 0;
    for (int i = 0; i < length; i++) {
      byte x = utf8[i];
      // the bytes that need an escape are all at most '\\' (0x5c)
      if (x >= 0 && x <= '\\' && ESCAPES[x] != 0) {
        System.arraycopy(utf8, run, bytes, size, i - run);
        size += i - run;
        pair((char) ESCAPES[x]);
        run = i + 1;
      }
    }
    System.arraycopy(utf8, run, bytes, size, length - run);
    size += length - run;
  }

  private void pair(char escaped) {
    bytes[size++] = '\\';
    bytes[size++] = (byte) escaped;
  }

  private void put(byte x) {
    ensure(1);
    bytes[size++] = x;
  }

  private void ensure(int more) {
    if (size + more > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
    }
  }
}
