package io.tidemark.restore.internal;

import io.tidemark.restore.SqlNames;
import io.tidemark.schemas.avro.Column;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Buffers rows of one table at a time and inserts them with multi-row INSERT statements of up
 * to {@link #MAX_ROWS} rows or {@link #MAX_BYTES} of values, and never more than the target's
 * max_allowed_packet: the fastest portable path through a JDBC connection. A single row too
 * large for the target is refused with the sizes and the fix. Not thread-safe.
 */
final class RowInserter implements RowSink {
  static final int MAX_ROWS = 500;
  static final long MAX_BYTES = 4L << 20;

  private final Connection c;
  private final PacketLimit limit;
  private final GeneratedColumns generated;
  private final List<List<Column>> pending = new ArrayList<>();
  private String table;
  private long pendingBytes;

  RowInserter(Connection c) throws SQLException {
    this.c = c;
    this.limit = PacketLimit.of(c);
    this.generated = new GeneratedColumns(c);
  }

  @Override
  public void add(String database, String tableName, List<Column> snapshotRow) throws SQLException {
    List<Column> row = generated.writable(database, tableName, snapshotRow);
    String qualified = SqlNames.quote(database) + "." + SqlNames.quote(tableName);
    long size = PacketLimit.textSize("", row);
    if (!qualified.equals(table) || pendingBytes + size > Math.min(MAX_BYTES, limit.max() / 2)) {
      flush();
      table = qualified;
    }
    pending.add(row);
    pendingBytes += size;
    if (pending.size() >= MAX_ROWS) {
      flush();
    }
  }

  @Override
  public void flush() throws SQLException {
    if (pending.isEmpty()) {
      return;
    }
    List<Column> first = pending.get(0);
    String columns = first.stream().map(x -> SqlNames.quote(x.getName()))
        .collect(Collectors.joining(", "));
    String tuple = "(" + first.stream().map(x -> "?").collect(Collectors.joining(", ")) + ")";
    String sql = "INSERT INTO " + table + " (" + columns + ") VALUES "
        + String.join(", ", Collections.nCopies(pending.size(), tuple));
    List<Column> values = pending.stream().flatMap(List::stream).toList();
    limit.check("loading snapshot rows of " + table, sql, values);
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      Binding.bind(ps, 1, values);
      ps.executeUpdate();
    }
    pending.clear();
    pendingBytes = 0;
  }
}
