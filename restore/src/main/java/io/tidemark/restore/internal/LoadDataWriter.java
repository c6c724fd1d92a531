package io.tidemark.restore.internal;

import io.tidemark.restore.SqlNames;
import io.tidemark.schemas.avro.Column;
import java.io.ByteArrayInputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes rows with {@code LOAD DATA LOCAL INFILE}, the server's bulk path, fed from in-memory
 * streams of {@link LoadDataText}, one per table: a snapshot's chunk bundles interleave the rows
 * of the tables read in parallel (runs of a few dozen rows), so the rows are kept apart per
 * table and each table's go in one statement instead of one per run. All tables' buffers
 * together are held to {@link #MAX_BYTES}, a buffer's last growth aside: past it, the largest
 * is loaded.
 * Generated columns are left out; binary columns go through user variables and {@code UNHEX()}.
 *
 * <p>The server treats a LOCAL load as IGNORE (it cannot stop the client's stream), turning
 * duplicate keys and bad values into warnings; so every statement must report exactly the
 * rows sent and no warning, or the load fails with the first warnings. The connection needs
 * {@code allowLocalInfile=true}. Not thread-safe.
 */
final class LoadDataWriter implements RowSink {
  static final int MAX_BYTES = 8 << 20;
  /** A table's buffer to begin with: a bundle may hold a few rows of each of many tables. */
  private static final int INITIAL_TABLE_BYTES = 4096;
  /** Columns whose canonical value is bytes or a BIT(1) boolean: sent as hex. */
  private static final String BINARY_SQL = "SELECT column_name FROM information_schema.columns"
      + " WHERE table_schema = ? AND table_name = ? AND data_type IN ('binary', 'varbinary',"
      + " 'tinyblob', 'blob', 'mediumblob', 'longblob', 'bit', 'geometry', 'point',"
      + " 'linestring', 'polygon', 'multipoint', 'multilinestring', 'multipolygon',"
      + " 'geometrycollection', 'geomcollection')";

  private final Connection c;
  private final GeneratedColumns generated;
  private final ColumnSets binary;
  private final int maxBytes;
  /** The rows not loaded yet, per qualified table name, in the order tables first came. */
  private final Map<String, TableRows> pending = new LinkedHashMap<>();
  /** The memory the pending tables' buffers take (their capacity, not only their text). */
  private long heldBytes;

  /** One table's rows as LOAD DATA text, all with the same columns. */
  private static final class TableRows {
    final String qualified;
    final List<String> columns;
    final Set<String> hexNames;
    final boolean[] hex;
    final LoadDataText text = new LoadDataText(INITIAL_TABLE_BYTES);
    long rows;

    TableRows(String qualified, List<String> columns, Set<String> hexNames) {
      this.qualified = qualified;
      this.columns = columns;
      this.hexNames = hexNames;
      this.hex = new boolean[columns.size()];
      for (int i = 0; i < hex.length; i++) {
        hex[i] = hexNames.contains(columns.get(i));
      }
    }

    void append(List<Column> row) {
      for (int i = 0; i < row.size(); i++) {
        Object value = row.get(i).getValue();
        if (hex[i]) {
          text.hex(value);
        } else {
          text.text(value);
        }
        text.separator(i == row.size() - 1);
      }
      rows++;
    }
  }

  LoadDataWriter(Connection c) {
    this(c, MAX_BYTES);
  }

  /** @param maxBytes the most memory all tables' buffers take together */
  LoadDataWriter(Connection c, int maxBytes) {
    this.c = c;
    this.generated = new GeneratedColumns(c);
    this.binary = new ColumnSets(c, BINARY_SQL);
    this.maxBytes = maxBytes;
  }

  @Override
  public void add(String db, String tableName, List<Column> snapshotRow) throws SQLException {
    List<Column> row = generated.writable(db, tableName, snapshotRow);
    String qualified = SqlNames.quote(db) + "." + SqlNames.quote(tableName);
    TableRows t = pending.get(qualified);
    if (t != null && !RowSink.sameColumns(row, t.columns)) {
      load(t); // rows with other columns (the snapshot's DDL changed?) go in their own statement
      t = null;
    }
    if (t == null) {
      t = new TableRows(qualified, row.stream().map(Column::getName).toList(),
          binary.of(db, tableName));
      pending.put(qualified, t);
      heldBytes += t.text.array().length;
    }
    int before = t.text.array().length;
    t.append(row);
    heldBytes += t.text.array().length - before;
    if (heldBytes >= maxBytes) {
      load(pending.values().stream().max(Comparator.comparingInt(p -> p.text.array().length))
          .orElseThrow());
    }
  }

  @Override
  public void flush() throws SQLException {
    for (TableRows t : List.copyOf(pending.values())) {
      load(t);
    }
  }

  /** Loads a table's pending rows in one statement and forgets them. */
  private void load(TableRows t) throws SQLException {
    pending.remove(t.qualified);
    heldBytes -= t.text.array().length;
    try (Statement st = c.createStatement()) {
      st.unwrap(org.mariadb.jdbc.Statement.class).setLocalInfileInputStream(
          new ByteArrayInputStream(t.text.array(), 0, t.text.size()));
      long loaded = st.executeLargeUpdate(statement(t.qualified, t.columns, t.hexNames));
      SQLWarning w = st.getWarnings();
      if (loaded != t.rows || w != null) {
        throw new SQLException("LOAD DATA into " + t.qualified + " took " + loaded + " of "
            + t.rows + " rows" + (w == null ? "" : ", warnings: " + warnings(w)));
      }
    }
  }

  /** The statement for a table's columns, binary ones through {@code UNHEX()}. */
  static String statement(String qualified, List<String> columns, Set<String> hex) {
    List<String> targets = new ArrayList<>();
    List<String> sets = new ArrayList<>();
    for (int i = 0; i < columns.size(); i++) {
      String name = SqlNames.quote(columns.get(i));
      if (hex.contains(columns.get(i))) {
        targets.add("@h" + i);
        sets.add(name + " = UNHEX(@h" + i + ")");
      } else {
        targets.add(name);
      }
    }
    return "LOAD DATA LOCAL INFILE 'tidemark-rows' INTO TABLE " + qualified + " "
        + LoadDataText.FORMAT + " (" + String.join(", ", targets) + ")"
        + (sets.isEmpty() ? "" : " SET " + String.join(", ", sets));
  }

  private static String warnings(SQLWarning w) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; w != null && i < 3; i++, w = w.getNextWarning()) {
      b.append(i == 0 ? "" : "; ").append(w.getMessage());
    }
    return b.toString();
  }
}
