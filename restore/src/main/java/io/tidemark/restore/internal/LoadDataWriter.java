package io.tidemark.restore.internal;

import io.tidemark.restore.SqlNames;
import io.tidemark.schemas.avro.Column;
import java.io.ByteArrayInputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Writes rows of one table at a time with {@code LOAD DATA LOCAL INFILE}, the server's bulk
 * path, fed from an in-memory stream of up to {@link #MAX_BYTES} of {@link LoadDataText} (a
 * single larger row goes alone). Generated columns are left out; binary columns go through
 * user variables and {@code UNHEX()}.
 *
 * <p>The server treats a LOCAL load as IGNORE (it cannot stop the client's stream), turning
 * duplicate keys and bad values into warnings; so every statement must report exactly the
 * rows sent and no warning, or the load fails with the first warnings. The connection needs
 * {@code allowLocalInfile=true}. Not thread-safe.
 */
final class LoadDataWriter implements RowSink {
  static final int MAX_BYTES = 8 << 20;
  /** Columns whose canonical value is bytes or a BIT(1) boolean: sent as hex. */
  private static final String BINARY_SQL = "SELECT column_name FROM information_schema.columns"
      + " WHERE table_schema = ? AND table_name = ? AND data_type IN ('binary', 'varbinary',"
      + " 'tinyblob', 'blob', 'mediumblob', 'longblob', 'bit', 'geometry', 'point',"
      + " 'linestring', 'polygon', 'multipoint', 'multilinestring', 'multipolygon',"
      + " 'geometrycollection', 'geomcollection')";

  private final Connection c;
  private final GeneratedColumns generated;
  private final ColumnSets binary;
  private final LoadDataText text = new LoadDataText();
  private String database;
  private String table;
  private Set<String> generatedNames = Set.of();
  /** The current statement's columns, and which of them go through {@code UNHEX()}. */
  private List<String> columns = List.of();
  private boolean[] hex = new boolean[0];
  private long rows;

  LoadDataWriter(Connection c) {
    this.c = c;
    this.generated = new GeneratedColumns(c);
    this.binary = new ColumnSets(c, BINARY_SQL);
  }

  @Override
  public void add(String db, String tableName, List<Column> snapshotRow) throws SQLException {
    if (!db.equals(database) || !tableName.equals(table)) {
      flush();
      database = db;
      table = tableName;
      generatedNames = generated.names(db, tableName);
      columns = List.of();
    }
    List<Column> row = generatedNames.isEmpty() ? snapshotRow
        : snapshotRow.stream().filter(col -> !generatedNames.contains(col.getName())).toList();
    if (!sameColumns(row) || text.size() >= MAX_BYTES) {
      flush();
      columns = row.stream().map(Column::getName).toList();
      Set<String> binaryNames = binary.of(db, tableName);
      hex = new boolean[columns.size()];
      for (int i = 0; i < hex.length; i++) {
        hex[i] = binaryNames.contains(columns.get(i));
      }
    }
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

  @Override
  public void flush() throws SQLException {
    if (rows == 0) {
      return;
    }
    try (Statement st = c.createStatement()) {
      st.unwrap(org.mariadb.jdbc.Statement.class).setLocalInfileInputStream(
          new ByteArrayInputStream(text.array(), 0, text.size()));
      long loaded = st.executeLargeUpdate(
          statement(qualified(), columns, binary.of(database, table)));
      SQLWarning w = st.getWarnings();
      if (loaded != rows || w != null) {
        throw new SQLException("LOAD DATA into " + qualified() + " took " + loaded + " of "
            + rows + " rows" + (w == null ? "" : ", warnings: " + warnings(w)));
      }
    }
    text.clear();
    rows = 0;
  }

  /** The statement for the current table's columns, binary ones through {@code UNHEX()}. */
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

  private boolean sameColumns(List<Column> row) {
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

  private String qualified() {
    return SqlNames.quote(database) + "." + SqlNames.quote(table);
  }

  private static String warnings(SQLWarning w) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; w != null && i < 3; i++, w = w.getNextWarning()) {
      b.append(i == 0 ? "" : "; ").append(w.getMessage());
    }
    return b.toString();
  }
}
