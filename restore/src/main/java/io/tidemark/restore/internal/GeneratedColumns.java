package io.tidemark.restore.internal;

import io.tidemark.schemas.avro.Column;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
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

  private final ColumnSets generated;

  GeneratedColumns(Connection c) {
    this.generated = new ColumnSets(c, SQL);
  }

  /** The names of the table's generated columns. */
  Set<String> names(String database, String table) throws SQLException {
    return generated.of(database, table);
  }

  /** {@code row} without the table's generated columns. */
  List<Column> writable(String database, String table, List<Column> row) throws SQLException {
    Set<String> names = names(database, table);
    return names.isEmpty() ? row
        : row.stream().filter(col -> !names.contains(col.getName())).toList();
  }

  void forget() {
    generated.forget();
  }
}
