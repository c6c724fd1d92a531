package io.tidemark.restore.internal;

import io.tidemark.restore.SqlNames;
import io.tidemark.schemas.SnapshotRow;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
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
 * that no other connection of the load is loading goes (or, when all are, the largest, after
 * its turn: see {@link TableTurns}).
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
  private final TableTurns turns;
  private final GeneratedColumns generated;
  private final ColumnSets binary;
  private final int maxBytes;
  /** The rows not loaded yet, per qualified table name, in the order tables first came. */
  private final Map<String, TableRows> pending = new LinkedHashMap<>();
  /** The table of the row before, and its names as that row had them (the same Strings). */
  private TableRows current;
  private String currentDatabase;
  private String currentTable;
  /** The memory the pending tables' buffers take (their capacity, not only their text). */
  private long heldBytes;

  /** One table's rows as LOAD DATA text, all with the same columns. */
  private static final class TableRows {
    final String qualified;
    /** The snapshot row's column names, generated ones included, as UTF-8. */
    final byte[][] names;
    /** Per snapshot column: written as text, through hex, or left out (generated). */
    final Write[] writes;
    /** The columns the statement names: the snapshot's but the generated ones. */
    final List<String> columns = new ArrayList<>();
    final Set<String> hexNames;
    final int lastWritten;
    final LoadDataText text = new LoadDataText(INITIAL_TABLE_BYTES);
    long rows;

    TableRows(String qualified, SnapshotRow row, Set<String> generated, Set<String> hexNames) {
      this.qualified = qualified;
      this.hexNames = hexNames;
      names = new byte[row.columns()][];
      writes = new Write[row.columns()];
      int last = -1;
      for (int i = 0; i < names.length; i++) {
        String name = row.name(i);
        names[i] = name.getBytes(StandardCharsets.UTF_8);
        if (generated.contains(name)) {
          writes[i] = Write.SKIP;
        } else {
          writes[i] = hexNames.contains(name) ? Write.HEX : Write.TEXT;
          columns.add(name);
          last = i;
        }
      }
      lastWritten = last;
    }

    /** Whether the row has exactly this table's columns, in this order. */
    boolean matches(SnapshotRow row) {
      if (row.columns() != names.length) {
        return false;
      }
      for (int i = 0; i < names.length; i++) {
        if (!row.nameIs(i, names[i])) {
          return false;
        }
      }
      return true;
    }

    void append(SnapshotRow row) {
      for (int i = 0; i < writes.length; i++) {
        switch (writes[i]) {
          case SKIP -> {
            continue;
          }
          case HEX -> text.hex(row, i);
          case TEXT -> text.text(row, i);
        }
        text.separator(i == lastWritten);
      }
      rows++;
    }
  }

  private enum Write { TEXT, HEX, SKIP }

  LoadDataWriter(Connection c, TableTurns turns) {
    this(c, turns, MAX_BYTES);
  }

  /**
   * @param turns the turns at the tables this connection shares with the load's others
   * @param maxBytes the most memory all tables' buffers take together
   */
  LoadDataWriter(Connection c, TableTurns turns, int maxBytes) {
    this.c = c;
    this.turns = turns;
    this.generated = new GeneratedColumns(c);
    this.binary = new ColumnSets(c, BINARY_SQL);
    this.maxBytes = maxBytes;
  }

  @Override
  public void add(SnapshotRow row) throws SQLException {
    TableRows t = current;
    if (t == null || row.table() != currentTable || row.database() != currentDatabase) {
      currentDatabase = row.database();
      currentTable = row.table();
      t = pending.get(SqlNames.quote(currentDatabase) + "." + SqlNames.quote(currentTable));
    }
    if (t != null && !t.matches(row)) {
      load(t); // rows with other columns (the snapshot's DDL changed?) go in their own statement
      t = null;
    }
    if (t == null) {
      t = new TableRows(SqlNames.quote(row.database()) + "." + SqlNames.quote(row.table()), row,
          generated.names(row.database(), row.table()), binary.of(row.database(), row.table()));
      pending.put(t.qualified, t);
      heldBytes += t.text.array().length;
    }
    current = t;
    int before = t.text.array().length;
    t.append(row);
    heldBytes += t.text.array().length - before;
    if (heldBytes >= maxBytes) {
      turns.loadOne(pending.values().stream()
          .sorted(Comparator.comparingInt((TableRows p) -> p.text.array().length).reversed())
          .map(p -> p.qualified).toList(), table -> load(pending.get(table)));
    }
  }

  @Override
  public void flush() throws SQLException {
    while (!pending.isEmpty()) {
      turns.loadOne(List.copyOf(pending.keySet()), table -> load(pending.get(table)));
    }
  }

  /** Loads a table's pending rows in one statement and forgets them. */
  private void load(TableRows t) throws SQLException {
    pending.remove(t.qualified);
    if (current == t) {
      current = null;
    }
    heldBytes -= t.text.array().length;
    try (Statement st = c.createStatement()) {
      st.unwrap(org.mariadb.jdbc.Statement.class).setLocalInfileInputStream(
          new PacketSizedStream(t.text.array(), t.text.size()));
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

  /**
   * Hands the driver at most {@link #READ_BYTES} a read. Connector/J copies each read of the
   * stream into its 8 KiB packet buffer after a 4-byte header; a full 8 KiB read did not fit, so
   * it grew the buffer (to 128 KiB) and shrank it again for every packet, a fifth of a load
   * thread's time.
   */
  private static final class PacketSizedStream extends ByteArrayInputStream {
    private static final int READ_BYTES = 8192 - 4;

    PacketSizedStream(byte[] bytes, int length) {
      super(bytes, 0, length);
    }

    @Override
    public synchronized int read(byte[] b, int off, int len) {
      return super.read(b, off, Math.min(len, READ_BYTES));
    }
  }

  private static String warnings(SQLWarning w) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; w != null && i < 3; i++, w = w.getNextWarning()) {
      b.append(i == 0 ? "" : "; ").append(w.getMessage());
    }
    return b.toString();
  }
}
