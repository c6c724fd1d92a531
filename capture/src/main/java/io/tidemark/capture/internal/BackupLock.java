package io.tidemark.capture.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The brief lock a consistent snapshot needs. MariaDB 10.4+ has backup stages, which block DDL
 * first (reading the schema does not stop writes) and commits only for the moment the snapshot
 * transactions start. Servers without them get FLUSH TABLES WITH READ LOCK for the whole time.
 */
final class BackupLock {
  private static final int PARSE_ERROR = 1064;

  private final Connection c;
  private final boolean stages;

  private BackupLock(Connection c, boolean stages) {
    this.c = c;
    this.stages = stages;
  }

  static BackupLock acquireDdlBlock(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      try {
        s.execute("BACKUP STAGE START");
      } catch (SQLException e) {
        if (e.getErrorCode() != PARSE_ERROR) {
          throw e;
        }
        s.execute("FLUSH TABLES WITH READ LOCK");
        return new BackupLock(c, false);
      }
      s.execute("BACKUP STAGE FLUSH");
      s.execute("BACKUP STAGE BLOCK_DDL");
      return new BackupLock(c, true);
    }
  }

  void blockCommits() throws SQLException {
    if (stages) {
      try (Statement s = c.createStatement()) {
        s.execute("BACKUP STAGE BLOCK_COMMIT");
      }
    }
  }

  void release() throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(stages ? "BACKUP STAGE END" : "UNLOCK TABLES");
    }
  }
}
