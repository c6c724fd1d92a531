package io.tidemark.capture.internal;

import io.tidemark.capture.internal.ConsistentView.TableId;
import io.tidemark.schemas.JdbcRows;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Splits tables into chunks that threads can read in parallel: a table with a single-column
 * integer primary key into primary-key ranges of about {@code chunkRows} rows (by the server's
 * row estimate, over the key's range in the snapshot); any other table (composite or textual key,
 * no key at all) into one chunk. The first and last ranges are open, so no row escapes a
 * wrong estimate.
 *
 * <p>Each chunk also says how many rows a read may fetch at once ({@link JdbcRows#fetchRows}):
 * the configured number, fewer where the table's rows can be large.
 */
public final class ChunkPlanner {
  private static final Set<String> INTEGER_TYPES =
      Set.of("tinyint", "smallint", "mediumint", "int", "bigint");

  private ChunkPlanner() {}

  /**
   * A part of a table: rows whose key satisfies {@code where} (null: the whole table), read
   * {@code fetchRows} at a time.
   */
  public record Chunk(TableId table, int index, String where, int fetchRows) {}

  /**
   * Plans on {@code c}, which must be inside the snapshot transaction; reads fetch at most
   * {@code fetchRows} rows at once.
   */
  public static List<Chunk> plan(Connection c, Collection<TableId> tables, long chunkRows,
      int fetchRows) throws SQLException {
    List<Chunk> chunks = new ArrayList<>();
    for (TableId t : tables) {
      int fetch = JdbcRows.fetchRows(c, t.database(), t.table(), fetchRows);
      String key = integerKey(c, t);
      if (key == null) {
        chunks.add(new Chunk(t, 0, null, fetch));
        continue;
      }
      BigInteger[] range = range(c, t, key);
      long parts = range == null ? 1 : parts(estimatedRows(c, t), range, chunkRows);
      if (parts == 1) {
        chunks.add(new Chunk(t, 0, null, fetch));
        continue;
      }
      BigInteger span = range[1].subtract(range[0]).add(BigInteger.ONE);
      BigInteger step = span.add(BigInteger.valueOf(parts - 1)).divide(BigInteger.valueOf(parts))
          .max(BigInteger.ONE);
      String k = ConsistentView.quote(key);
      BigInteger lower = null;
      int index = 0;
      for (BigInteger upper = range[0].add(step); upper.compareTo(range[1]) <= 0; upper = upper.add(step)) {
        chunks.add(new Chunk(t, index++, (lower == null ? "" : k + " >= " + lower + " AND ")
            + k + " < " + upper, fetch));
        lower = upper;
      }
      chunks.add(new Chunk(t, index, lower == null ? null : k + " >= " + lower, fetch));
    }
    return chunks;
  }

  /**
   * The server's row estimate decides; a table whose statistics say 0 (never analysed) is
   * assumed dense over its key range.
   */
  static long parts(long estimate, BigInteger[] range, long chunkRows) {
    long span = range[1].subtract(range[0]).add(BigInteger.ONE)
        .min(BigInteger.valueOf(Long.MAX_VALUE / 2)).longValue();
    long rows = estimate > 0 ? Math.min(estimate, span) : span;
    return Math.max(1, (rows + chunkRows - 1) / chunkRows);
  }

  private static String integerKey(Connection c, TableId t) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT s.column_name, c.data_type"
        + " FROM information_schema.statistics s JOIN information_schema.columns c"
        + " ON c.table_schema = s.table_schema AND c.table_name = s.table_name"
        + " AND c.column_name = s.column_name"
        + " WHERE s.table_schema = ? AND s.table_name = ? AND s.index_name = 'PRIMARY'")) {
      ps.setString(1, t.database());
      ps.setString(2, t.table());
      try (ResultSet r = ps.executeQuery()) {
        if (!r.next()) {
          return null;
        }
        String column = r.getString(1);
        String type = r.getString(2).toLowerCase(java.util.Locale.ROOT);
        return r.next() || !INTEGER_TYPES.contains(type) ? null : column;
      }
    }
  }

  private static BigInteger[] range(Connection c, TableId t, String key) throws SQLException {
    String k = ConsistentView.quote(key);
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT MIN(" + k + "), MAX(" + k + ") FROM " + t.quoted())) {
      r.next();
      String min = r.getString(1);
      return min == null ? null : new BigInteger[] {new BigInteger(min), new BigInteger(r.getString(2))};
    }
  }

  private static long estimatedRows(Connection c, TableId t) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT table_rows FROM information_schema.tables"
        + " WHERE table_schema = ? AND table_name = ?")) {
      ps.setString(1, t.database());
      ps.setString(2, t.table());
      try (ResultSet r = ps.executeQuery()) {
        return r.next() ? r.getLong(1) : 0;
      }
    }
  }
}
