package io.tidemark.restore.internal;

import io.tidemark.schemas.SourcePosition;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * A restore's progress, kept in the target itself (database {@value #DATABASE}) and written in
 * the same transaction as the data it accounts for, so a restore killed at any moment resumes
 * exactly where its last commit left it: which snapshot, which phase, which chunk bundles are
 * loaded, and the source position of the last replayed transaction.
 *
 * <p>Used by one thread per connection.
 */
public final class Checkpoint {
  public static final String DATABASE = "tidemark_restore";

  /** The phases of a restore, in order. */
  public enum Phase { SCHEMA, LOAD, REPLAY, DONE }

  /** What a checkpoint says. */
  public record State(String snapshotId, Phase phase, SourcePosition replayedUpTo) {}

  private Checkpoint() {}

  /** The checkpoint of an interrupted restore, if the target holds one. */
  public static Optional<State> read(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT COUNT(*) FROM information_schema.tables WHERE"
            + " table_schema = '" + DATABASE + "' AND table_name = 'state'")) {
      r.next();
      if (r.getInt(1) == 0) {
        return Optional.empty();
      }
    }
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT snapshot_id, phase, position FROM " + DATABASE
            + ".state WHERE id = 1")) {
      if (!r.next()) {
        return Optional.empty();
      }
      String position = r.getString(3);
      return Optional.of(new State(r.getString(1), Phase.valueOf(r.getString(2)),
          position == null ? null : SourcePosition.parse(position)));
    }
  }

  /** Starts the checkpoint of a new restore, before anything else is written. */
  public static void begin(Connection c, String snapshotId) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE IF NOT EXISTS " + DATABASE);
      s.execute("CREATE TABLE IF NOT EXISTS " + DATABASE + ".state (id TINYINT PRIMARY KEY,"
          + " snapshot_id VARCHAR(64) NOT NULL, phase VARCHAR(16) NOT NULL, position TEXT)"
          + " ENGINE=InnoDB");
      s.execute("CREATE TABLE IF NOT EXISTS " + DATABASE + ".loaded_bundle ("
          + " bundle_key VARCHAR(700) PRIMARY KEY) ENGINE=InnoDB");
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + DATABASE + ".state VALUES"
        + " (1, ?, 'SCHEMA', NULL)")) {
      ps.setString(1, snapshotId);
      ps.executeUpdate();
    }
    commitIfTransactional(c);
  }

  public static void phase(Connection c, Phase phase) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE " + DATABASE + ".state SET phase = ?"
        + " WHERE id = 1")) {
      ps.setString(1, phase.name());
      ps.executeUpdate();
    }
    commitIfTransactional(c);
  }

  /** Records a loaded chunk bundle; call inside the transaction that inserted its rows. */
  public static void loaded(Connection c, String bundleKey) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + DATABASE
        + ".loaded_bundle VALUES (?)")) {
      ps.setString(1, bundleKey);
      ps.executeUpdate();
    }
  }

  public static Set<String> loadedBundles(Connection c) throws SQLException {
    Set<String> keys = new HashSet<>();
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT bundle_key FROM " + DATABASE + ".loaded_bundle")) {
      while (r.next()) {
        keys.add(r.getString(1));
      }
    }
    return keys;
  }

  /** Records the last replayed position; call inside the transaction that applied it. */
  public static void replayed(Connection c, SourcePosition upTo) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE " + DATABASE + ".state SET position = ?"
        + " WHERE id = 1")) {
      ps.setString(1, upTo.format());
      ps.executeUpdate();
    }
  }

  /** Removes the checkpoint of a finished restore: the target then holds only the data. */
  public static void finish(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + DATABASE);
    }
  }

  private static void commitIfTransactional(Connection c) throws SQLException {
    if (!c.getAutoCommit()) {
      c.commit();
    }
  }
}
