package io.tidemark.restore.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The target tables whose row changes replay may fold ({@link FoldedRows}) because nothing on the
 * target depends on the order of their row changes within one transaction: an integer primary
 * key (so keys compare exactly in Java, whatever the collation) and no other unique key (rows of
 * different keys cannot collide), no foreign key to or from the table (the target checks
 * references and runs cascades itself, row by row), no trigger, an ordinary base table. Cached
 * per table; {@link #forget()} after DDL. Not thread-safe.
 */
final class FoldableTables {
  private static final Set<String> INTEGER_TYPES =
      Set.of("tinyint", "smallint", "mediumint", "int", "bigint");
  private static final String PRIMARY_KEY = "SELECT k.column_name, c.data_type, c.column_type"
      + " FROM information_schema.key_column_usage k JOIN information_schema.columns c"
      + " ON c.table_schema = k.table_schema AND c.table_name = k.table_name"
      + " AND c.column_name = k.column_name"
      + " WHERE k.table_schema = ? AND k.table_name = ? AND k.constraint_name = 'PRIMARY'"
      + " ORDER BY k.ordinal_position";
  /** Counts what makes the order of a table's row changes matter; each part takes db, table. */
  private static final String OBSTACLES = "SELECT"
      + " (SELECT COUNT(*) FROM information_schema.statistics WHERE table_schema = ?"
      + "   AND table_name = ? AND non_unique = 0 AND index_name <> 'PRIMARY')"
      + " + (SELECT COUNT(*) FROM information_schema.referential_constraints"
      + "   WHERE constraint_schema = ? AND table_name = ?)"
      + " + (SELECT COUNT(*) FROM information_schema.referential_constraints"
      + "   WHERE unique_constraint_schema = ? AND referenced_table_name = ?)"
      + " + (SELECT COUNT(*) FROM information_schema.triggers"
      + "   WHERE event_object_schema = ? AND event_object_table = ?)"
      + " + (SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = ?"
      + "   AND table_name = ? AND table_type <> 'BASE TABLE')";

  private final Connection c;
  /** Per table, its primary key's columns if foldable, else an empty list. */
  private final Map<String, List<String>> keys = new HashMap<>();

  FoldableTables(Connection c) {
    this.c = c;
  }

  /** The table's primary-key columns in order when its changes may be folded, else empty. */
  List<String> key(String database, String table) throws SQLException {
    String name = database + "." + table;
    List<String> key = keys.get(name);
    if (key == null) {
      key = integerPrimaryKey(database, table);
      if (!key.isEmpty() && obstacles(database, table) > 0) {
        key = List.of();
      }
      keys.put(name, key);
    }
    return key;
  }

  void forget() {
    keys.clear();
  }

  private List<String> integerPrimaryKey(String database, String table) throws SQLException {
    List<String> key = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(PRIMARY_KEY)) {
      ps.setString(1, database);
      ps.setString(2, table);
      try (ResultSet r = ps.executeQuery()) {
        while (r.next()) {
          String type = r.getString(2).toLowerCase(java.util.Locale.ROOT);
          boolean unsignedBigint = type.equals("bigint")
              && r.getString(3).toLowerCase(java.util.Locale.ROOT).contains("unsigned");
          if (!INTEGER_TYPES.contains(type) || unsignedBigint) {
            return List.of(); // its values are text in the event model (or not integers)
          }
          key.add(r.getString(1));
        }
      }
    }
    return List.copyOf(key);
  }

  private long obstacles(String database, String table) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(OBSTACLES)) {
      for (int i = 1; i <= 10; i += 2) {
        ps.setString(i, database);
        ps.setString(i + 1, table);
      }
      try (ResultSet r = ps.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    }
  }
}
