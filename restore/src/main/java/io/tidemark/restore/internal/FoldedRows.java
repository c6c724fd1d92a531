package io.tidemark.restore.internal;

import io.tidemark.restore.SqlNames;
import io.tidemark.schemas.avro.ChangeEvent;
import io.tidemark.schemas.avro.Column;
import io.tidemark.schemas.avro.Position;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The row changes of foldable tables ({@link FoldableTables}) inside one target transaction,
 * kept as their net effect per primary key: whether the row existed before its first change
 * here, and its image after the last one (none once deleted). {@link #apply} writes them per
 * table with a few multi-row statements: a DELETE of the rows that existed and are gone, an
 * update in place of the rows that existed and remain (INSERT ... ON DUPLICATE KEY UPDATE), an
 * INSERT of the new ones. The rows end exactly as if each change had run in order, but the
 * server runs a few statements instead of one per change, and one statement per row change is
 * most of replay's cost there. Nothing is checked less: a change the order makes impossible (an
 * insert of a row that is there, an update or delete of one that is not), a DELETE or an update
 * that finds fewer rows than existed, and an INSERT that meets a row already there all mean that
 * the target differs from the source, and replay stops.
 *
 * <p>Callers apply once {@link #isFull()}, so memory stays bounded whatever a transaction's
 * size. Not thread-safe.
 */
final class FoldedRows {
  /** Keys held at most before the caller applies them. */
  static final int MAX_ROWS = 4096;
  /** Row image bytes (as sent) held at most before the caller applies them. */
  static final long MAX_BYTES = 4L << 20;
  private static final int KEYS_PER_DELETE = 1000;
  private static final int ROWS_PER_STATEMENT = 1000;
  private static final int DUPLICATE_KEY = 1062;

  private final Map<String, TableRows> tables = new LinkedHashMap<>();
  private int rows;
  private long bytes;

  /** Folds a row change of a foldable table whose primary key is {@code key}. */
  void add(ChangeEvent e, List<String> key) {
    TableRows t = tables.computeIfAbsent(e.getDatabase() + "." + e.getTable(),
        name -> new TableRows(e.getDatabase(), e.getTable(), key, e.getPosition()));
    t.last = e.getPosition();
    switch (e.getOperation()) {
      case SNAPSHOT_ROW, INSERT -> t.insert(e, keyOf(e, e.getAfter(), key), e.getAfter());
      case UPDATE -> {
        List<Long> before = keyOf(e, e.getBefore(), key);
        List<Long> after = keyOf(e, e.getAfter(), key);
        if (before.equals(after)) {
          t.update(e, after, e.getAfter());
        } else { // the row moves to another key: gone from one, new at the other
          t.delete(e, before);
          t.insert(e, after, e.getAfter());
        }
      }
      case DELETE -> t.delete(e, keyOf(e, e.getBefore(), key));
      default -> throw new IllegalArgumentException("not a row change: " + e.getOperation());
    }
  }

  boolean isEmpty() {
    return tables.isEmpty();
  }

  boolean isFull() {
    return rows >= MAX_ROWS || bytes >= MAX_BYTES;
  }

  /**
   * Writes the net changes inside the caller's transaction and forgets them; statements of at
   * most {@code budget} bytes (one row may need up to the packet limit).
   */
  void apply(Connection c, PacketLimit limit, GeneratedColumns generated, long budget)
      throws SQLException {
    try {
      for (TableRows t : tables.values()) {
        t.deleteGone(c);
        t.write(c, true, limit, generated, budget);
        t.write(c, false, limit, generated, budget);
      }
    } finally {
      tables.clear();
      rows = 0;
      bytes = 0;
    }
  }

  /** Per table, in first-change order: the keys of the rows that existed and are gone. */
  Map<String, List<List<Long>>> goneKeys() {
    Map<String, List<List<Long>>> keys = new LinkedHashMap<>();
    tables.forEach((name, t) -> keys.put(name, t.gone()));
    return keys;
  }

  /** Per table, the final images of the rows that existed ({@code existed}) or are new. */
  Map<String, List<List<Column>>> finalImages(boolean existed) {
    Map<String, List<List<Column>>> images = new LinkedHashMap<>();
    tables.forEach((name, t) -> images.put(name, t.images(existed)));
    return images;
  }

  private static List<Long> keyOf(ChangeEvent e, List<Column> image, List<String> key) {
    List<Long> values = new ArrayList<>(key.size());
    for (String name : key) {
      Object value = image.stream().filter(col -> col.getName().equals(name)).findFirst()
          .map(Column::getValue).orElse(null);
      if (!(value instanceof Long l)) {
        throw new IllegalStateException(e.getOperation() + " at " + e.getPosition() + " on "
            + e.getDatabase() + "." + e.getTable() + " has no integer value for the target's"
            + " primary-key column " + name + ": the target's table differs from the source's;"
            + " restore into a fresh server");
      }
      values.add(l);
    }
    return Collections.unmodifiableList(values);
  }

  /** A row's fate so far: whether it existed before the first change, its image now. */
  private static final class Net {
    final boolean existed;
    List<Column> image;
    long size;

    Net(boolean existed) {
      this.existed = existed;
    }
  }

  private final class TableRows {
    final String database;
    final String table;
    /** The primary key's columns, quoted. */
    final List<String> keyColumns;
    final Position first;
    Position last;
    final Map<List<Long>, Net> byKey = new LinkedHashMap<>();

    TableRows(String database, String table, List<String> key, Position first) {
      this.database = database;
      this.table = table;
      this.keyColumns = key.stream().map(SqlNames::quote).toList();
      this.first = first;
    }

    void insert(ChangeEvent e, List<Long> key, List<Column> image) {
      Net n = byKey.get(key);
      if (n != null && n.image != null) {
        throw diverged(e, "inserts a row whose key is already there");
      }
      set(n != null ? n : created(key, false), image);
    }

    void update(ChangeEvent e, List<Long> key, List<Column> image) {
      Net n = byKey.get(key);
      if (n != null && n.image == null) {
        throw diverged(e, "updates a row that is not there");
      }
      set(n != null ? n : created(key, true), image);
    }

    void delete(ChangeEvent e, List<Long> key) {
      Net n = byKey.get(key);
      if (n != null && n.image == null) {
        throw diverged(e, "deletes a row that is not there");
      }
      set(n != null ? n : created(key, true), null);
    }

    private Net created(List<Long> key, boolean existed) {
      Net n = new Net(existed);
      byKey.put(key, n);
      rows++;
      return n;
    }

    private void set(Net n, List<Column> image) {
      long size = image == null ? 0 : PacketLimit.textSize("", image);
      bytes += size - n.size;
      n.image = image;
      n.size = size;
    }

    /** The keys of the rows that existed and are gone. */
    List<List<Long>> gone() {
      return byKey.entrySet().stream()
          .filter(en -> en.getValue().existed && en.getValue().image == null)
          .map(Map.Entry::getKey).toList();
    }

    /** The final images of the rows that existed before ({@code existed}) or are new. */
    List<List<Column>> images(boolean existed) {
      return byKey.values().stream().filter(n -> n.existed == existed && n.image != null)
          .map(n -> n.image).toList();
    }

    void deleteGone(Connection c) throws SQLException {
      List<List<Long>> keys = gone();
      String column = keyColumns.size() == 1 ? keyColumns.get(0)
          : "(" + String.join(", ", keyColumns) + ")";
      String tuple = keyColumns.size() == 1 ? "?"
          : "(" + String.join(", ", Collections.nCopies(keyColumns.size(), "?")) + ")";
      for (int from = 0; from < keys.size(); from += KEYS_PER_DELETE) {
        List<List<Long>> part = keys.subList(from, Math.min(keys.size(), from + KEYS_PER_DELETE));
        String sql = "DELETE FROM " + name() + " WHERE " + column + " IN ("
            + String.join(", ", Collections.nCopies(part.size(), tuple)) + ")";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
          int i = 1;
          for (List<Long> key : part) {
            for (long value : key) {
              ps.setLong(i++, value);
            }
          }
          int deleted = ps.executeUpdate();
          if (deleted != part.size()) {
            throw diverged("found " + deleted + " of the " + part.size() + " rows they delete",
                null);
          }
        }
      }
    }

    /**
     * Writes the final images of the rows that existed ({@code existed}: they are updated in
     * place) or are new (inserted), in multi-row statements of at most {@code budget} bytes.
     */
    void write(Connection c, boolean existed, PacketLimit limit, GeneratedColumns generated,
        long budget) throws SQLException {
      List<List<Column>> statement = new ArrayList<>();
      String head = null;
      long size = 0;
      for (List<Column> image : images(existed)) {
        List<Column> row = generated.writable(database, table, image);
        String rowHead = "INSERT INTO " + name() + " (" + row.stream()
            .map(col -> SqlNames.quote(col.getName())).collect(Collectors.joining(", "))
            + ") VALUES ";
        long rowSize = PacketLimit.textSize(placeholders(row), row);
        if (!statement.isEmpty() && (!rowHead.equals(head)
            || statement.size() == ROWS_PER_STATEMENT || size + rowSize > budget)) {
          send(c, existed, head, statement);
          statement.clear();
        }
        if (statement.isEmpty()) {
          limit.check("a row of " + database + "." + table, rowHead + placeholders(row), row);
          head = rowHead;
          size = rowHead.length();
        }
        statement.add(row);
        size += rowSize;
      }
      if (!statement.isEmpty()) {
        send(c, existed, head, statement);
      }
    }

    private void send(Connection c, boolean existed, String head, List<List<Column>> rows)
        throws SQLException {
      String values = head + rows.stream().map(FoldedRows::placeholders)
          .collect(Collectors.joining(", "));
      if (!existed) {
        try (PreparedStatement ps = c.prepareStatement(values)) {
          bind(ps, rows);
          ps.executeUpdate();
        } catch (SQLException ex) {
          if (ex.getErrorCode() == DUPLICATE_KEY) {
            throw diverged("insert a row whose key is already there", ex);
          }
          throw ex;
        }
        return;
      }
      // An update in place costs the server about half of a delete and an insert. The row
      // counts of ON DUPLICATE KEY UPDATE cannot tell a missing row (inserted) from an
      // unchanged one, so the UPDATE part also counts the rows it found, in a session variable.
      String first = keyColumns.get(0);
      String assignments = rows.get(0).stream().map(col -> SqlNames.quote(col.getName()))
          .filter(col -> !keyColumns.contains(col)).map(col -> col + " = VALUES(" + col + "), ")
          .collect(Collectors.joining());
      String sql = "SET @tidemark_found = 0;\n" + values + " ON DUPLICATE KEY UPDATE "
          + assignments + first + " = " + first + " + 0 * (@tidemark_found := @tidemark_found + 1)"
          + ";\nSELECT @tidemark_found";
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        bind(ps, rows);
        ps.execute(); // the SET's count, then the upsert's, then the SELECT's result
        ps.getMoreResults();
        ps.getMoreResults();
        try (ResultSet r = ps.getResultSet()) {
          r.next();
          long found = r.getLong(1);
          if (found != rows.size()) {
            throw diverged("found " + found + " of the " + rows.size() + " rows they update",
                null);
          }
        }
      }
    }

    private static void bind(PreparedStatement ps, List<List<Column>> rows) throws SQLException {
      int next = 1;
      for (List<Column> row : rows) {
        next = Binding.bind(ps, next, row);
      }
    }

    private String name() {
      return SqlNames.quote(database) + "." + SqlNames.quote(table);
    }

    private IllegalStateException diverged(ChangeEvent e, String what) {
      return new IllegalStateException(e.getOperation() + " at " + e.getPosition() + " "
          + what + " on " + database + "." + table + ": the target differs from the source;"
          + " restore into a fresh server");
    }

    private IllegalStateException diverged(String what, Throwable cause) {
      return new IllegalStateException("The row changes of " + database + "." + table
          + " from " + first + " to " + last + " " + what + ": the target differs from the"
          + " source; restore into a fresh server", cause);
    }
  }

  private static String placeholders(List<Column> row) {
    return "(" + String.join(", ", Collections.nCopies(row.size(), "?")) + ")";
  }
}
