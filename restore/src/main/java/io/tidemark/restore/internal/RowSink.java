package io.tidemark.restore.internal;

import io.tidemark.schemas.avro.Column;
import java.sql.SQLException;

/**
 * Writes snapshot rows into the target through one connection, in the caller's transaction:
 * {@link #add} may buffer, {@link #flush} writes what is buffered. Not thread-safe.
 */
interface RowSink {
  void add(String database, String table, java.util.List<Column> snapshotRow) throws SQLException;

  void flush() throws SQLException;

  /** Whether a row has exactly these columns, in this order (it may share their statement). */
  static boolean sameColumns(java.util.List<Column> row, java.util.List<String> columns) {
    if (row.size() != columns.size()) {
      return false;
    }
    for (int i = 0; i < row.size(); i++) {
      if (!row.get(i).getName().equals(columns.get(i))) {
        return false;
      }
    }
    return true;
  }
}
