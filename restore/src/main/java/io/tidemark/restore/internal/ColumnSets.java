package io.tidemark.restore.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A set of column names per target table, from an information_schema query with the
 * database and table as its two parameters; cached per table until {@link #forget()}. Not
 * thread-safe.
 */
final class ColumnSets {
  private final Connection c;
  private final String sql;
  private final Map<String, Set<String>> byTable = new HashMap<>();

  ColumnSets(Connection c, String sql) {
    this.c = c;
    this.sql = sql;
  }

  Set<String> of(String database, String table) throws SQLException {
    String key = database + "." + table;
    Set<String> names = byTable.get(key);
    if (names == null) {
      names = new HashSet<>();
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setString(1, database);
        ps.setString(2, table);
        try (ResultSet r = ps.executeQuery()) {
          while (r.next()) {
            names.add(r.getString(1));
          }
        }
      }
      byTable.put(key, names);
    }
    return names;
  }

  void forget() {
    byTable.clear();
  }
}
