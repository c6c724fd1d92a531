package io.tidemark.restore.internal;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How snapshot rows reach the target: {@link #LOAD_DATA} when the server accepts {@code LOAD
 * DATA LOCAL INFILE} ({@code local_infile=ON}, MariaDB's default), else multi-row
 * {@link #INSERT}s, which every server takes. Chosen once per restore by {@link #choose}, which
 * logs the choice and its reason.
 */
public enum LoadPath {
  LOAD_DATA {
    @Override
    RowSink open(Connection c, TableTurns turns) {
      return new LoadDataWriter(c, turns);
    }
  },
  INSERT {
    @Override
    RowSink open(Connection c, TableTurns turns) throws SQLException {
      return new RowInserter(c); // a multi-row INSERT takes no table-wide AUTO-INC lock
    }
  };

  private static final Logger log = LoggerFactory.getLogger(LoadPath.class);
  private static final AtomicBoolean binlogWarned = new AtomicBoolean();

  /** A writer on {@code c}, one of the load's connections, which share {@code turns}. */
  abstract RowSink open(Connection c, TableTurns turns) throws SQLException;

  /** The fastest path {@code target} (a load connection) accepts; logged with the reason. */
  public static LoadPath choose(Connection target) throws SQLException {
    try (Statement s = target.createStatement();
        ResultSet r = s.executeQuery("SELECT @@local_infile")) {
      r.next();
      if (r.getBoolean(1)) {
        log.info("snapshot load path: LOAD DATA LOCAL INFILE (the target has local_infile=ON)");
        return LOAD_DATA;
      }
    }
    log.info("snapshot load path: multi-row INSERT (the target has local_infile=OFF; SET GLOBAL"
        + " local_infile=ON on the target for the faster LOAD DATA path)");
    return INSERT;
  }

  /**
   * Turns binary logging off in a restore session (load and replay): a restore target is fresh,
   * its binlog could never hold the snapshot's rows, and logging them or the replayed changes
   * would only cost time and disk. Needs SUPER or BINLOG ADMIN; without it the session logs as
   * usual and one line says so.
   */
  static void skipBinlog(Connection c) {
    try (Statement s = c.createStatement()) {
      s.execute("SET SESSION sql_log_bin = 0");
    } catch (SQLException refused) {
      if (binlogWarned.compareAndSet(false, true)) {
        log.info("restore keeps binary logging on: the target refused SET sql_log_bin = 0"
            + " ({})", refused.getMessage());
      }
    }
  }
}
