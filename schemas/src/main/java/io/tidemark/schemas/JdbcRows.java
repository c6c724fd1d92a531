package io.tidemark.schemas;

import io.tidemark.schemas.avro.Column;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a JDBC row into the canonical column form, the same for the snapshot that reads a source
 * table and for the restore that checks the loaded copy: integers as long (BIGINT UNSIGNED as
 * text), DECIMAL as exact text, temporal values as the server's text (sessions run with
 * time_zone '+00:00', so TIMESTAMP is UTC), binary, BIT and spatial values as the server's bytes.
 *
 * <p>Stateless apart from the column types it learned from the result set; one per result set.
 */
public final class JdbcRows {
  private final List<String> names = new ArrayList<>();
  private final int[] types;
  private final boolean[] unsigned;

  public JdbcRows(ResultSetMetaData md) throws SQLException {
    int n = md.getColumnCount();
    types = new int[n];
    unsigned = new boolean[n];
    for (int i = 0; i < n; i++) {
      names.add(md.getColumnName(i + 1));
      types[i] = md.getColumnType(i + 1);
      unsigned[i] = !md.isSigned(i + 1);
    }
  }

  public List<String> columnNames() {
    return names;
  }

  public List<Column> read(ResultSet r) throws SQLException {
    List<Column> row = new ArrayList<>(types.length);
    for (int i = 0; i < types.length; i++) {
      row.add(new Column(names.get(i), value(r, i)));
    }
    return row;
  }

  private Object value(ResultSet r, int i) throws SQLException {
    int c = i + 1;
    Object v = switch (types[i]) {
      case Types.TINYINT, Types.SMALLINT, Types.INTEGER -> r.getLong(c);
      case Types.BIGINT -> unsigned[i] ? r.getString(c) : (Object) r.getLong(c);
      case Types.DECIMAL, Types.NUMERIC -> {
        BigDecimal d = r.getBigDecimal(c);
        yield d == null ? null : d.toPlainString();
      }
      case Types.REAL, Types.FLOAT, Types.DOUBLE -> r.getDouble(c);
      case Types.BOOLEAN -> r.getLong(c);
      case Types.BIT, Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB, Types.OTHER -> {
        byte[] b = r.getBytes(c);
        yield b == null ? null : ByteBuffer.wrap(b);
      }
      default -> r.getString(c);
    };
    return r.wasNull() ? null : v;
  }
}
