package io.tidemark.restore.internal;

import io.tidemark.restore.SqlNames;
import io.tidemark.schemas.avro.ChangeEvent;
import io.tidemark.schemas.avro.Column;
import io.tidemark.schemas.avro.Operation;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Turns change events into SQL on the target. Row changes locate their row by primary key
 * (by every column of the before image for a table without one) and must touch exactly one row:
 * anything else means the target has diverged, and the restore stops rather than guess.
 *
 * <p>{@link #add} queues row changes and sends up to {@link #BATCH_STATEMENTS} of them in one
 * request (a round trip per row is most of replay's time); should the request fail, it is rolled
 * back to a savepoint taken at its start and its changes are applied one by one, which names the
 * failing event and applies a row the source wrote with foreign-key checks off the same way.
 * Row changes of tables where their order cannot matter ({@link FoldableTables}) skip those
 * requests: they are folded to one net change per row ({@link FoldedRows}) and written with a
 * few multi-row statements at {@link #flush}, or earlier once that fold is full.
 * The connection needs {@code allowMultiQueries=true}.
 *
 * <p>Used by one thread with one connection.
 */
public final class EventApplier {
  private static final int UNKNOWN_DATABASE = 1049;
  /** A row still referenced (1451, 1217) or a reference without its row (1452, 1216). */
  private static final Set<Integer> FOREIGN_KEY_ERRORS = Set.of(1451, 1452, 1216, 1217);
  private static final Pattern DATABASE_DDL =
      Pattern.compile("(CREATE|DROP|ALTER)\\s+(DATABASE|SCHEMA)\\b", Pattern.CASE_INSENSITIVE);

  /** Row changes sent in one request at most. */
  static final int BATCH_STATEMENTS = 64;
  /** The most statement text one request carries (well under any max_allowed_packet). */
  private static final long BATCH_BYTES = 1 << 20;

  private final Connection target;
  private final PacketLimit packetLimit;
  private final GeneratedColumns generated;
  private final FoldableTables foldable;
  private final FoldedRows folded = new FoldedRows();
  private final List<RowChange> batch = new ArrayList<>();
  private long batchBytes;

  /** A row change as a statement: its values bound in order, and its size as sent. */
  private record RowChange(ChangeEvent event, String sql, List<Column> values,
      boolean exactlyOneRow, long size) {}

  /** Reads the target's max_allowed_packet, against which every statement is measured. */
  public EventApplier(Connection target) throws SQLException {
    this.target = target;
    this.packetLimit = PacketLimit.of(target);
    this.generated = new GeneratedColumns(target);
    this.foldable = new FoldableTables(target);
  }

  /** Session settings for replay: UTC for TIMESTAMP text, no FK checks, exact inserts. */
  public static void prepareSession(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("SET time_zone = '+00:00'");
      s.execute("SET foreign_key_checks = 0");
      s.execute("SET sql_mode = 'STRICT_ALL_TABLES,NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION'");
    }
  }

  /**
   * Replay keeps foreign-key checks on, as a replica does: the binlog does not carry the rows an
   * ON DELETE/UPDATE CASCADE or SET NULL changed on the source, so the target must run those
   * actions itself. (Snapshot loading keeps them off: chunks load in any order.)
   */
  public static void enforceForeignKeys(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("SET foreign_key_checks = 1");
    }
  }

  /**
   * Applies one event at once, after the queued ones. A row the source wrote with foreign-key
   * checks off (an orphan, or a parent deleted before its children) is applied the same way here.
   */
  public void apply(ChangeEvent e) throws SQLException {
    flush();
    if (e.getOperation() == Operation.DDL) {
      ddl(e);
    } else {
      run(rowChange(e));
    }
  }

  /**
   * Queues a row change for the next request, or folds it; a DDL is applied at once, after
   * everything queued and folded.
   */
  public void add(ChangeEvent e) throws SQLException {
    if (e.getOperation() == Operation.DDL) {
      apply(e);
      return;
    }
    List<String> key = foldable.key(e.getDatabase(), e.getTable());
    if (!key.isEmpty()) {
      folded.add(e, key);
      if (folded.isFull()) {
        applyFolded();
      }
      return;
    }
    RowChange change = rowChange(e);
    if (batch.size() >= BATCH_STATEMENTS || batchBytes + change.size() > BATCH_BYTES) {
      flush();
    }
    batch.add(change);
    batchBytes += change.size();
  }

  /** Sends the queued row changes and the folded ones. */
  public void flush() throws SQLException {
    if (batch.size() == 1) {
      run(batch.get(0));
    } else if (!batch.isEmpty()) {
      sendTogether();
    }
    batch.clear();
    batchBytes = 0;
    applyFolded();
  }

  /** Folded tables share nothing with the queued rows' tables, so either may go first. */
  private void applyFolded() throws SQLException {
    if (!folded.isEmpty()) {
      folded.apply(target, packetLimit, generated, Math.min(BATCH_BYTES, packetLimit.max()));
    }
  }

  private void sendTogether() throws SQLException {
    StringBuilder sql = new StringBuilder("SAVEPOINT tidemark_rows");
    for (RowChange change : batch) {
      sql.append(";\n").append(change.sql());
    }
    try (PreparedStatement ps = target.prepareStatement(sql.toString())) {
      int next = 1;
      for (RowChange change : batch) {
        next = Binding.bind(ps, next, change.values());
      }
      ps.execute(); // the savepoint's result first, then one update count per change
      for (RowChange change : batch) {
        ps.getMoreResults();
        if (change.exactlyOneRow()) {
          expectOneRow(change.event(), ps.getUpdateCount());
        }
      }
    } catch (SQLException failed) {
      try (Statement s = target.createStatement()) {
        s.execute("ROLLBACK TO SAVEPOINT tidemark_rows");
      }
      for (RowChange change : batch) {
        run(change);
      }
    }
  }

  /** One row change on its own, with foreign-key checks off if the source had them off. */
  private void run(RowChange change) throws SQLException {
    try {
      execute(change);
    } catch (SQLException ex) {
      if (!FOREIGN_KEY_ERRORS.contains(ex.getErrorCode())) {
        throw ex;
      }
      try (Statement s = target.createStatement()) {
        s.execute("SET foreign_key_checks = 0");
        try {
          execute(change);
        } finally {
          s.execute("SET foreign_key_checks = 1");
        }
      }
    }
  }

  private void execute(RowChange change) throws SQLException {
    try (PreparedStatement ps = target.prepareStatement(change.sql())) {
      Binding.bind(ps, 1, change.values());
      int rows = ps.executeUpdate();
      if (change.exactlyOneRow()) {
        expectOneRow(change.event(), rows);
      }
    }
  }

  private RowChange rowChange(ChangeEvent e) throws SQLException {
    return switch (e.getOperation()) {
      case SNAPSHOT_ROW, INSERT -> insert(e);
      case UPDATE -> update(e);
      case DELETE -> delete(e);
      default -> throw new IllegalArgumentException("unknown operation " + e.getOperation());
    };
  }

  private RowChange insert(ChangeEvent e) throws SQLException {
    List<Column> after = writable(e, e.getAfter());
    String sql = "INSERT INTO " + table(e) + " (" + names(after, ", ") + ") VALUES ("
        + after.stream().map(c -> "?").collect(Collectors.joining(", ")) + ")";
    return new RowChange(e, sql, after, false, packetLimit.check(e, sql, after));
  }

  private RowChange update(ChangeEvent e) throws SQLException {
    List<Column> where = writable(e, locator(e));
    List<Column> after = writable(e, e.getAfter());
    String sql = "UPDATE " + table(e) + " SET " + names(after, " = ?, ") + " = ? WHERE "
        + conditions(where) + " LIMIT 1";
    List<Column> values = concat(after, where);
    return new RowChange(e, sql, values, true, packetLimit.check(e, sql, values));
  }

  private RowChange delete(ChangeEvent e) throws SQLException {
    List<Column> where = writable(e, locator(e));
    String sql = "DELETE FROM " + table(e) + " WHERE " + conditions(where) + " LIMIT 1";
    return new RowChange(e, sql, where, true, packetLimit.check(e, sql, where));
  }

  private void ddl(ChangeEvent e) throws SQLException {
    String ddl = e.getDdl().strip();
    String verb = ddl.toUpperCase(Locale.ROOT);
    if (verb.startsWith("SET ") || verb.startsWith("USE ")) {
      return; // session state of the source's DDL connection, not a schema change
    }
    generated.forget();
    foldable.forget();
    try (Statement s = target.createStatement()) {
      if (!e.getDatabase().isEmpty() && !DATABASE_DDL.matcher(ddl).lookingAt()) {
        useIfExists(s, e.getDatabase());
      }
      s.execute(ddl);
    }
  }

  /**
   * Makes {@code db} the default database for an unqualified DDL statement. The source's DDL may
   * mention a database before it creates it (DROP TABLE IF EXISTS comes first); such a statement
   * then runs without a default database and fails on its own if it really needs one.
   */
  private static void useIfExists(Statement s, String db) throws SQLException {
    try {
      s.execute("USE " + SqlNames.quote(db));
    } catch (SQLException e) {
      if (e.getErrorCode() != UNKNOWN_DATABASE) {
        throw e;
      }
    }
  }

  /** The columns the server lets us write: all but the generated ones. */
  private List<Column> writable(ChangeEvent e, List<Column> columns) throws SQLException {
    return generated.writable(e.getDatabase(), e.getTable(), columns);
  }

  /** The before image's key columns, or the whole before image for a table without a key. */
  private static List<Column> locator(ChangeEvent e) {
    if (e.getKey() == null) {
      return e.getBefore();
    }
    Set<String> keyNames = e.getKey().stream().map(Column::getName).collect(Collectors.toSet());
    return e.getBefore().stream().filter(c -> keyNames.contains(c.getName())).toList();
  }

  private static void expectOneRow(ChangeEvent e, int rows) {
    if (rows != 1) {
      throw new IllegalStateException(e.getOperation() + " at " + e.getPosition() + " matched "
          + rows + " rows of " + e.getDatabase() + "." + e.getTable() + " instead of 1: the"
          + " target differs from the source; restore into a fresh server");
    }
  }

  private static String table(ChangeEvent e) {
    return SqlNames.quote(e.getDatabase()) + "." + SqlNames.quote(e.getTable());
  }

  private static String names(List<Column> columns, String separator) {
    return columns.stream().map(c -> SqlNames.quote(c.getName())).collect(Collectors.joining(separator));
  }

  /** NULL-safe equality, so a NULL in a keyless table's row still matches. */
  private static String conditions(List<Column> columns) {
    return columns.stream().map(c -> SqlNames.quote(c.getName()) + " <=> ?")
        .collect(Collectors.joining(" AND "));
  }
  private static List<Column> concat(List<Column> a, List<Column> b) {
    List<Column> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
