package io.tidemark.restore.internal;

import io.tidemark.restore.SqlNames;
import io.tidemark.schemas.avro.ChangeEvent;
import io.tidemark.schemas.avro.Column;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Turns one change event into SQL on the target. Row changes locate their row by primary key
 * (by every column of the before image for a table without one) and must touch exactly one row:
 * anything else means the target has diverged, and the restore stops rather than guess.
 *
 * <p>Used by one thread with one connection.
 */
public final class EventApplier {
  private static final int UNKNOWN_DATABASE = 1049;
  /** A row still referenced (1451, 1217) or a reference without its row (1452, 1216). */
  private static final Set<Integer> FOREIGN_KEY_ERRORS = Set.of(1451, 1452, 1216, 1217);
  private static final Pattern DATABASE_DDL =
      Pattern.compile("(CREATE|DROP|ALTER)\\s+(DATABASE|SCHEMA)\\b", Pattern.CASE_INSENSITIVE);

  private final Connection target;
  private final PacketLimit packetLimit;
  private final GeneratedColumns generated;

  /** Reads the target's max_allowed_packet, against which every statement is measured. */
  public EventApplier(Connection target) throws SQLException {
    this.target = target;
    this.packetLimit = PacketLimit.of(target);
    this.generated = new GeneratedColumns(target);
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
   * Applies one event. A row the source wrote with foreign-key checks off (an orphan, or a
   * parent deleted before its children) is applied the same way here.
   */
  public void apply(ChangeEvent e) throws SQLException {
    try {
      applyChecked(e);
    } catch (SQLException ex) {
      if (!FOREIGN_KEY_ERRORS.contains(ex.getErrorCode())) {
        throw ex;
      }
      try (Statement s = target.createStatement()) {
        s.execute("SET foreign_key_checks = 0");
        try {
          applyChecked(e);
        } finally {
          s.execute("SET foreign_key_checks = 1");
        }
      }
    }
  }

  private void applyChecked(ChangeEvent e) throws SQLException {
    switch (e.getOperation()) {
      case SNAPSHOT_ROW, INSERT -> insert(e);
      case UPDATE -> update(e);
      case DELETE -> delete(e);
      case DDL -> ddl(e);
      default -> throw new IllegalArgumentException("unknown operation " + e.getOperation());
    }
  }

  private void insert(ChangeEvent e) throws SQLException {
    List<Column> after = writable(e, e.getAfter());
    String sql = "INSERT INTO " + table(e) + " (" + names(after, ", ") + ") VALUES ("
        + after.stream().map(c -> "?").collect(Collectors.joining(", ")) + ")";
    packetLimit.check(e, sql, after);
    try (PreparedStatement ps = target.prepareStatement(sql)) {
      Binding.bind(ps, 1, after);
      ps.executeUpdate();
    }
  }

  private void update(ChangeEvent e) throws SQLException {
    List<Column> where = writable(e, locator(e));
    List<Column> after = writable(e, e.getAfter());
    String sql = "UPDATE " + table(e) + " SET " + names(after, " = ?, ") + " = ? WHERE "
        + conditions(where) + " LIMIT 1";
    packetLimit.check(e, sql, concat(after, where));
    try (PreparedStatement ps = target.prepareStatement(sql)) {
      int next = Binding.bind(ps, 1, after);
      Binding.bind(ps, next, where);
      expectOneRow(e, ps.executeUpdate());
    }
  }

  private void delete(ChangeEvent e) throws SQLException {
    List<Column> where = writable(e, locator(e));
    String sql = "DELETE FROM " + table(e) + " WHERE " + conditions(where) + " LIMIT 1";
    packetLimit.check(e, sql, where);
    try (PreparedStatement ps = target.prepareStatement(sql)) {
      Binding.bind(ps, 1, where);
      expectOneRow(e, ps.executeUpdate());
    }
  }

  private void ddl(ChangeEvent e) throws SQLException {
    String ddl = e.getDdl().strip();
    String verb = ddl.toUpperCase(Locale.ROOT);
    if (verb.startsWith("SET ") || verb.startsWith("USE ")) {
      return; // session state of the source's DDL connection, not a schema change
    }
    generated.forget();
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
