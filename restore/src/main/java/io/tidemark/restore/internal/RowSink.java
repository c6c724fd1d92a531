package io.tidemark.restore.internal;

import io.tidemark.schemas.SnapshotRow;
import java.sql.SQLException;

/**
 * Writes snapshot rows into the target through one connection, in the caller's transaction:
 * {@link #add} may buffer (the row itself is reused by its reader, so not kept), {@link #flush}
 * writes what is buffered. Not thread-safe.
 */
interface RowSink {
  void add(SnapshotRow row) throws SQLException;

  void flush() throws SQLException;
}
