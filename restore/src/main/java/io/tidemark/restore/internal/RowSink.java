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
}
