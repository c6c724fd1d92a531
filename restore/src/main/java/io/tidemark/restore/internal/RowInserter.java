package io.tidemark.restore.internal;

import io.tidemark.restore.SqlNames;
import io.tidemark.schemas.SnapshotRow;
import io.tidemark.schemas.avro.Column;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Inserts rows with multi-row INSERT statements of up to {@link #MAX_ROWS} rows or
 * {@link #MAX_BYTES} of values, and never more than the target's max_allowed_packet: the
 * fastest portable path through a JDBC connection. Rows are kept apart per table, since a
 * snapshot's chunk bundles interleave the tables read in parallel in runs of a few dozen rows;
 * all tables' rows together are held to {@link #MAX_BYTES}: past it, the table holding the most
 * is written. A single row too large for the target is refused with the sizes and the fix. Not
 * thread-safe.
 */
final class RowInserter implements RowSink {
  static final int MAX_ROWS = 500;
  static final long MAX_BYTES = 4L << 20;

  private final Connection c;
  private final PacketLimit limit;
  private final GeneratedColumns generated;
  /** The rows not written yet, per qualified table name, in the order tables first came. */
  private final Map<String, TableRows> pending = new LinkedHashMap<>();
  private long heldBytes;

  /** One table's rows, all with the same columns, and their size as sent. */
  private static final class TableRows {
    final String qualified;
    final List<String> columns;
    final List<List<Column>> rows = new ArrayList<>();
    long bytes;

    TableRows(String qualified, List<String> columns) {
      this.qualified = qualified;
      this.columns = columns;
    }
  }

  RowInserter(Connection c) throws SQLException {
    this.c = c;
    this.limit = PacketLimit.of(c);
    this.generated = new GeneratedColumns(c);
  }

  @Override
  public void add(SnapshotRow snapshotRow) throws SQLException {
    String database = snapshotRow.database();
    String tableName = snapshotRow.table();
    List<Column> row = generated.writable(database, tableName, snapshotRow.toColumns());
    String qualified = SqlNames.quote(database) + "." + SqlNames.quote(tableName);
    long size = PacketLimit.textSize("", row);
    TableRows t = pending.get(qualified);
    if (t != null && (!sameColumns(row, t.columns)
        || t.bytes + size > Math.min(MAX_BYTES, limit.max() / 2))) {
      write(t);
      t = null;
    }
    if (t == null) {
      t = new TableRows(qualified, row.stream().map(Column::getName).toList());
      pending.put(qualified, t);
    }
    t.rows.add(row);
    t.bytes += size;
    heldBytes += size;
    if (t.rows.size() >= MAX_ROWS) {
      write(t);
    } else if (heldBytes >= MAX_BYTES) {
      write(pending.values().stream().max(Comparator.comparingLong(p -> p.bytes))
          .orElseThrow());
    }
  }

  @Override
  public void flush() throws SQLException {
    for (TableRows t : List.copyOf(pending.values())) {
      write(t);
    }
  }

  /** Whether a row has exactly these columns, in this order (it may share their statement). */
  private static boolean sameColumns(List<Column> row, List<String> columns) {
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

  /** Writes a table's pending rows in one statement and forgets them. */
  private void write(TableRows t) throws SQLException {
    pending.remove(t.qualified);
    heldBytes -= t.bytes;
    String columns = t.columns.stream().map(SqlNames::quote).collect(Collectors.joining(", "));
    String tuple = "(" + String.join(", ", Collections.nCopies(t.columns.size(), "?")) + ")";
    String sql = "INSERT INTO " + t.qualified + " (" + columns + ") VALUES "
        + String.join(", ", Collections.nCopies(t.rows.size(), tuple));
    List<Column> values = t.rows.stream().flatMap(List::stream).toList();
    limit.check("loading snapshot rows of " + t.qualified, sql, values);
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      Binding.bind(ps, 1, values);
      ps.executeUpdate();
    }
  }
}
