package io.tidemark.restore.internal;

import io.tidemark.schemas.avro.ChangeEvent;
import io.tidemark.schemas.avro.Column;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The target's {@code max_allowed_packet} against the statements replay sends. The driver sends
 * a prepared statement as text with every value inlined, and the server drops the connection
 * (the driver reports only "Socket error") when that text exceeds the limit; so a statement is
 * measured first and refused with the fix instead. Immutable.
 */
final class PacketLimit {
  /** Room for a value's literal syntax: quotes, {@code _binary}, a number's digits. */
  private static final int LITERAL_OVERHEAD = 32;

  private final long maxPacket;

  PacketLimit(long maxPacket) {
    this.maxPacket = maxPacket;
  }

  static PacketLimit of(Connection target) throws SQLException {
    try (Statement s = target.createStatement();
        ResultSet r = s.executeQuery("SELECT @@max_allowed_packet")) {
      r.next();
      return new PacketLimit(r.getLong(1));
    }
  }

  long max() {
    return maxPacket;
  }

  /**
   * Returns the statement's size as sent.
   *
   * @throws IllegalStateException if the statement's text would exceed the target's limit
   */
  long check(ChangeEvent e, String sql, List<Column> values) {
    return check(e.getOperation() + " at " + e.getPosition() + " on " + e.getDatabase() + "."
        + e.getTable(), sql, values);
  }

  /** The same for any statement; {@code what} names it in the error. */
  long check(String what, String sql, List<Column> values) {
    long size = textSize(sql, values);
    if (size > maxPacket) {
      throw new IllegalStateException(what + " needs a statement of " + size + " bytes, but"
          + " the target's max_allowed_packet is " + maxPacket + ". Raise it on the target to at"
          + " least " + size + " bytes (max_allowed_packet in its configuration, or SET GLOBAL"
          + " max_allowed_packet) and restore again into a fresh server.");
    }
    return size;
  }

  /** An upper bound of the statement's length as sent: the SQL, each value escaped and quoted. */
  static long textSize(String sql, List<Column> values) {
    long size = sql.getBytes(StandardCharsets.UTF_8).length;
    for (Column c : values) {
      Object v = c.getValue();
      if (v instanceof ByteBuffer b) {
        size += escapedLength(b.duplicate());
      } else if (v instanceof CharSequence s) {
        size += escapedLength(ByteBuffer.wrap(s.toString().getBytes(StandardCharsets.UTF_8)));
      }
      size += LITERAL_OVERHEAD;
    }
    return size;
  }

  /** Bytes a quoted literal needs: NUL, quotes, backslash, CR, LF and Ctrl-Z take two. */
  private static long escapedLength(ByteBuffer b) {
    long length = b.remaining();
    while (b.hasRemaining()) {
      switch (b.get()) {
        case 0, '\'', '"', '\\', '\r', '\n', 0x1a -> length++;
        default -> { }
      }
    }
    return length;
  }
}
