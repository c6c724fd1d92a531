package io.tidemark.capture.internal;

import io.tidemark.schemas.SourcePosition;
import io.tidemark.schemas.avro.DatabaseDefinition;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * N connections whose consistent-snapshot transactions all see the source at one binlog
 * position, and the schema at that moment. Opening it takes the brief backup lock mydumper and
 * MySQL Shell take: on MariaDB {@code BACKUP STAGE} (DDL blocked while the schema is read,
 * commits blocked only while the transactions start and the position is read), elsewhere
 * {@code FLUSH TABLES WITH READ LOCK}. Binlog streaming is never paused: capture reads with its
 * own connection.
 */
public final class ConsistentView implements AutoCloseable {
  private final List<Connection> workers;
  private final SourcePosition position;
  private final List<DatabaseDefinition> databases;
  private final Map<TableId, String> tables;

  /** A table of the source. */
  public record TableId(String database, String table) {
    public String quoted() {
      return quote(database) + "." + quote(table);
    }
  }

  private ConsistentView(List<Connection> workers, SourcePosition position,
      List<DatabaseDefinition> databases, Map<TableId, String> tables) {
    this.workers = workers;
    this.position = position;
    this.databases = databases;
    this.tables = tables;
  }

  /**
   * Opens the view. {@code coordinator} takes the lock; {@code workers} get the transactions.
   * The coordinator is left unlocked and may be closed by the caller.
   */
  public static ConsistentView open(Connection coordinator, List<Connection> workers,
      List<String> databaseNames, InstantSource clock) throws SQLException {
    BackupLock lock = BackupLock.acquireDdlBlock(coordinator);
    try {
      List<DatabaseDefinition> databases = new ArrayList<>();
      Map<TableId, String> tables = new LinkedHashMap<>();
      readSchema(coordinator, databaseNames, databases, tables);
      lock.blockCommits();
      SourcePosition position = position(coordinator, clock.millis());
      for (Connection w : workers) {
        try (Statement s = w.createStatement()) {
          s.execute("SET SESSION time_zone = '+00:00'");
          s.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
          s.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
        }
      }
      return new ConsistentView(workers, position, databases, tables);
    } finally {
      lock.release();
    }
  }

  public SourcePosition position() {
    return position;
  }

  public List<Connection> workers() {
    return workers;
  }

  public List<DatabaseDefinition> databases() {
    return databases;
  }

  /** Table → its SHOW CREATE TABLE, in database and table order. */
  public Map<TableId, String> tables() {
    return tables;
  }

  private static void readSchema(Connection c, List<String> databaseNames,
      List<DatabaseDefinition> databases, Map<TableId, String> tables) throws SQLException {
    try (Statement s = c.createStatement()) {
      for (String db : databaseNames) {
        try (ResultSet r = s.executeQuery("SHOW CREATE DATABASE " + quote(db))) {
          r.next();
          databases.add(new DatabaseDefinition(db, r.getString(2)));
        }
        List<String> names = new ArrayList<>();
        try (ResultSet r = s.executeQuery("SELECT table_name FROM information_schema.tables"
            + " WHERE table_schema = '" + db.replace("'", "''") + "' AND table_type = 'BASE TABLE'"
            + " ORDER BY table_name")) {
          while (r.next()) {
            names.add(r.getString(1));
          }
        }
        for (String t : names) {
          TableId id = new TableId(db, t);
          try (ResultSet r = s.executeQuery("SHOW CREATE TABLE " + id.quoted())) {
            r.next();
            tables.put(id, r.getString(2));
          }
        }
      }
    }
  }

  private static SourcePosition position(Connection c, long nowMs) throws SQLException {
    try (Statement s = c.createStatement()) {
      String gtid;
      long serverId;
      try (ResultSet r = s.executeQuery("SELECT @@gtid_binlog_pos, @@server_id")) {
        r.next();
        gtid = r.getString(1);
        serverId = r.getLong(2);
      }
      try (ResultSet r = s.executeQuery("SHOW MASTER STATUS")) {
        if (!r.next()) {
          throw new SQLException("the source has no binary log; start it with --log-bin");
        }
        return new SourcePosition(serverId, r.getString(1), r.getLong(2), 0, 0,
            gtid == null || gtid.isEmpty() ? null : gtid, nowMs, true);
      }
    }
  }

  static String quote(String identifier) {
    return "`" + identifier.replace("`", "``") + "`";
  }

  @Override
  public void close() {
    for (Connection w : workers) {
      try {
        w.rollback();
      } catch (SQLException ignored) {
        // the connection is closed by its owner next; nothing was written in it
      }
    }
  }
}
