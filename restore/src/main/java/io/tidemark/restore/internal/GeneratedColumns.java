package io.tidemark.restore.internal;

import io.tidemark.schemas.avro.Column;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The generated (virtual or stored) columns of the target's tables. Events and snapshot rows
 * carry their values, but the server computes them and refuses a value in strict mode, so
 * writes leave them out. Cached per table; {@link #forget()} after DDL. Not thread-safe.
 */
final class GeneratedColumns {
  // MariaDB leaves GENERATION_EXPRESSION NULL for ordinary columns, MySQL leaves it empty.
  private static final String SQL = "SELECT column_name FROM information_schema.columns"
      + " WHERE table_schema = ? AND table_name = ? AND generation_expression <> ''";

  private final Connection c;
  private final Map<String, Set<String>> byTable = new HashMap<>();

  GeneratedColumns(Connection c) {
    this.c = c;
  }

  /** {@code row} without the table's generated columns. */
  List<Column> writable(String database, String table, List<Column> row) throws SQLException {
    Set<String> generated = of(database, table);
    return generated.isEmpty() ? row
        : row.stream().filter(col -> !generated.contains(col.getName())).toList();
  }

  void forget() {
    byTable.clear();
  }

  private Set<String> of(String database, String table) throws SQLException {
    String key = database + "." + table;
    Set<String> generated = byTable.get(key);
    if (generated == null) {
      generated = new HashSet<>();
      try (PreparedStatement ps = c.prepareStatement(SQL)) {
        ps.setString(1, database);
        ps.setString(2, table);
        try (ResultSet r = ps.executeQuery()) {
          while (r.next()) {
            generated.add(r.getString(1));
          }
        }
      }
      byTable.put(key, generated);
    }
    return generated;
  }
}
