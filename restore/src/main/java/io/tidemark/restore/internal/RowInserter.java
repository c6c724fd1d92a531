package io.tidemark.restore.internal;

import io.tidemark.restore.SqlNames;
import io.tidemark.schemas.avro.Column;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Buffers rows of one table at a time and inserts them with multi-row INSERT statements of up
 * to {@link #MAX_ROWS} rows or {@link #MAX_BYTES} of values, the fastest portable path through a
 * JDBC connection. Not thread-safe.
 */
final class RowInserter {
  static final int MAX_ROWS = 500;
  static final long MAX_BYTES = 4L << 20;

  private final Connection c;
  private final List<List<Column>> pending = new ArrayList<>();
  private String table;
  private long pendingBytes;

  RowInserter(Connection c) {
    this.c = c;
  }

  void add(String database, String tableName, List<Column> row) throws SQLException {
    String qualified = SqlNames.quote(database) + "." + SqlNames.quote(tableName);
    if (!qualified.equals(table)) {
      flush();
      table = qualified;
    }
    pending.add(row);
    for (Column col : row) {
      pendingBytes += col.getValue() instanceof ByteBuffer b ? b.remaining()
          : col.getValue() instanceof String s ? s.length() : 8;
    }
    if (pending.size() >= MAX_ROWS || pendingBytes >= MAX_BYTES) {
      flush();
    }
  }

  void flush() throws SQLException {
    if (pending.isEmpty()) {
      return;
    }
    List<Column> first = pending.get(0);
    String columns = first.stream().map(x -> SqlNames.quote(x.getName()))
        .collect(Collectors.joining(", "));
    String tuple = "(" + first.stream().map(x -> "?").collect(Collectors.joining(", ")) + ")";
    String sql = "INSERT INTO " + table + " (" + columns + ") VALUES "
        + String.join(", ", java.util.Collections.nCopies(pending.size(), tuple));
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      int i = 1;
      for (List<Column> row : pending) {
        i = Binding.bind(ps, i, row);
      }
      ps.executeUpdate();
    }
    pending.clear();
    pendingBytes = 0;
  }
}
