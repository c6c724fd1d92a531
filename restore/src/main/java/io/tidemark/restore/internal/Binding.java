package io.tidemark.restore.internal;

import io.tidemark.schemas.avro.Column;
import java.nio.ByteBuffer;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;

/** Binds canonical column values to statement parameters. */
final class Binding {
  private Binding() {}

  /** Binds {@code columns} from parameter {@code first}; returns the next free parameter. */
  static int bind(PreparedStatement ps, int first, List<Column> columns) throws SQLException {
    int i = first;
    for (Column c : columns) {
      bind(ps, i++, c.getValue());
    }
    return i;
  }

  /**
   * Binds a canonical column value (see ChangeEvent.avsc) so that the server parses it back into
   * the source value: bytes as a binary string (BIT big-endian, geometry in storage format),
   * text as utf8mb4, numbers and booleans as they are.
   */
  private static void bind(PreparedStatement ps, int i, Object v) throws SQLException {
    if (v == null) {
      ps.setNull(i, Types.NULL);
    } else if (v instanceof ByteBuffer b) {
      byte[] bytes = new byte[b.remaining()];
      b.duplicate().get(bytes);
      ps.setBytes(i, bytes);
    } else if (v instanceof Long l) {
      ps.setLong(i, l);
    } else if (v instanceof Double d) {
      ps.setDouble(i, d);
    } else if (v instanceof Boolean b) {
      ps.setBoolean(i, b);
    } else if (v instanceof CharSequence s) {
      ps.setString(i, s.toString());
    } else {
      throw new IllegalArgumentException("a column value of " + v.getClass().getName()
          + " is not in the event model");
    }
  }
}
