package io.tidemark.schemas;

import io.tidemark.schemas.avro.Column;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads a JDBC row into the canonical column form, the same for the snapshot that reads a source
 * table and for the restore that checks the loaded copy: integers as long (BIGINT UNSIGNED as
 * text), DECIMAL as exact text, temporal values as the server's text, zero dates included
 * (sessions run with time_zone '+00:00', so TIMESTAMP is UTC), binary, BIT and spatial values
 * as the server's bytes.
 *
 * <p>Stateless apart from the column types it learned from the result set; one per result set.
 */
public final class JdbcRows {
  /** The most one fetch of a table's rows may hold, unless a single row is larger. */
  static final long FETCH_BYTES = 64L << 20;
  /** MariaDB's and MySQL's limit on a row's columns other than BLOB, TEXT and the like. */
  static final long ROW_LIMIT = 65_535;
  private static final long UNBOUNDED_COLUMN = 0xFFFF_FFFFL;
  /** Column types whose values are stored apart from the row; each may be up to its maximum. */
  private static final Set<String> LOB_TYPES = Set.of("tinyblob", "blob", "mediumblob",
      "longblob", "tinytext", "text", "mediumtext", "longtext");
  /** Column types without a length in information_schema that may hold 4 GiB. */
  private static final Set<String> UNBOUNDED_TYPES = Set.of("json", "geometry", "point",
      "linestring", "polygon", "multipoint", "multilinestring", "multipolygon",
      "geometrycollection", "geomcollection");

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

  /**
   * The select list that reads a table's columns in their canonical form. The text protocol
   * prints FLOAT with 6 digits, so FLOAT is read as the DOUBLE it widens to exactly; the binary
   * protocol would keep FLOAT but cannot carry zero dates. Temporal columns are read as {@code
   * CAST(... AS CHAR)}: MariaDB Connector/J 3.5's {@code getString} prints a DATETIME(3) of
   * {@code .001} as {@code .1000} (the microseconds unpadded) and reports a zero date as NULL.
   */
  public static String selectList(Connection c, String database, String table) throws SQLException {
    List<String> columns = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT column_name, data_type FROM"
        + " information_schema.columns WHERE table_schema = ? AND table_name = ?"
        + " ORDER BY ordinal_position")) {
      ps.setString(1, database);
      ps.setString(2, table);
      try (ResultSet r = ps.executeQuery()) {
        while (r.next()) {
          String q = "`" + r.getString(1).replace("`", "``") + "`";
          columns.add(switch (r.getString(2).toLowerCase(Locale.ROOT)) {
            case "float" -> "CAST(" + q + " AS DOUBLE) AS " + q;
            case "date", "datetime", "timestamp", "time" -> "CAST(" + q + " AS CHAR) AS " + q;
            default -> q;
          });
        }
      }
    }
    if (columns.isEmpty()) {
      throw new SQLException("table " + database + "." + table + " has no columns (does it exist?)");
    }
    return String.join(", ", columns);
  }

  /**
   * How many rows of a table a read may fetch at once: {@code atMost}, fewer where the table's
   * rows can be large, so that one fetch holds at most {@link #FETCH_BYTES} or a single row. A
   * row's largest size comes from the table's definition: the server keeps the columns stored in
   * the row under {@value #ROW_LIMIT} bytes together, and BLOB, TEXT, JSON and spatial columns
   * add their own maximum each. (MariaDB Connector/J streams a result, so a small fetch costs no
   * round trip.)
   */
  public static int fetchRows(Connection c, String database, String table, int atMost)
      throws SQLException {
    long largestRow = ROW_LIMIT;
    try (PreparedStatement ps = c.prepareStatement("SELECT data_type, character_octet_length"
        + " FROM information_schema.columns WHERE table_schema = ? AND table_name = ?")) {
      ps.setString(1, database);
      ps.setString(2, table);
      try (ResultSet r = ps.executeQuery()) {
        while (r.next()) {
          String type = r.getString(1).toLowerCase(Locale.ROOT);
          if (UNBOUNDED_TYPES.contains(type)) {
            largestRow += UNBOUNDED_COLUMN;
          } else if (LOB_TYPES.contains(type)) {
            largestRow += r.getLong(2);
          }
        }
      }
    }
    return fetchRows(largestRow, atMost);
  }

  /** As many rows of at most {@code largestRow} bytes as fit {@link #FETCH_BYTES}; at least 1. */
  static int fetchRows(long largestRow, int atMost) {
    return (int) Math.max(1, Math.min(atMost, FETCH_BYTES / largestRow));
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
      default -> r.getString(c); // the text as the server sent it
    };
    return r.wasNull() ? null : v;
  }
}
