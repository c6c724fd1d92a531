package io.tidemark.restore;

import io.tidemark.restore.internal.Checkpoint;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per-table row counts and {@code CHECKSUM TABLE ... EXTENDED} of the user databases of a
 * server: what two servers must agree on to hold the same data.
 */
public final class TableChecksums {
  private static final List<String> SYSTEM_DATABASES =
      List.of("information_schema", "mysql", "performance_schema", "sys", Checkpoint.DATABASE);

  private TableChecksums() {}

  /** The server's databases other than the system ones and a restore's checkpoint. */
  public static List<String> userDatabases(Connection c) throws SQLException {
    List<String> found = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SHOW DATABASES")) {
      while (r.next()) {
        if (!SYSTEM_DATABASES.contains(r.getString(1))) {
          found.add(r.getString(1));
        }
      }
    }
    return found;
  }

  /** A table's row count and checksum. */
  public record TableSum(long rows, long checksum) {}

  /** "db.table" → its sum, for every base table of the given databases. */
  public static Map<String, TableSum> of(Connection c, List<String> databases) throws SQLException {
    Map<String, TableSum> sums = new TreeMap<>();
    for (String table : tables(c, databases)) {
      try (Statement s = c.createStatement()) {
        long rows;
        try (ResultSet r = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
          r.next();
          rows = r.getLong(1);
        }
        try (ResultSet r = s.executeQuery("CHECKSUM TABLE " + table + " EXTENDED")) {
          r.next();
          sums.put(table.replace("`", ""), new TableSum(rows, r.getLong(2)));
        }
      }
    }
    return sums;
  }

  private static List<String> tables(Connection c, List<String> databases) throws SQLException {
    List<String> tables = new ArrayList<>();
    String sql = "SELECT table_schema, table_name FROM information_schema.tables"
        + " WHERE table_type = 'BASE TABLE' AND table_schema = ? ORDER BY table_name";
    for (String db : databases) {
      try (var ps = c.prepareStatement(sql)) {
        ps.setString(1, db);
        try (ResultSet r = ps.executeQuery()) {
          while (r.next()) {
            tables.add(SqlNames.quote(r.getString(1)) + "." + SqlNames.quote(r.getString(2)));
          }
        }
      }
    }
    return tables;
  }
}
