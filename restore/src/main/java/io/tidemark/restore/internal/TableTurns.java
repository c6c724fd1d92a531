package io.tidemark.restore.internal;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Gives the connections of one load their turns at the tables, so that no two load one table at
 * the same time. InnoDB holds a table's AUTO-INC lock for a whole {@code LOAD DATA} statement
 * (innodb_autoinc_lock_mode 1, MariaDB's default), so two loads into one table run one after the
 * other anyway, and a snapshot's chunk bundles hold rows of the same tables: a connection that
 * finds a table taken loads another of its tables meanwhile. Thread-safe.
 */
final class TableTurns {
  private final ConcurrentMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();

  /** Loads one table's rows. */
  interface Load {
    void run(String table) throws java.sql.SQLException;
  }

  /**
   * Loads the first of {@code tables} (qualified names, in order of preference) that no other
   * connection is loading, or, when all are, waits for the first; returns the table loaded.
   */
  String loadOne(List<String> tables, Load load) throws java.sql.SQLException {
    for (String table : tables) {
      ReentrantLock lock = lockOf(table);
      if (lock.tryLock()) {
        return loadHolding(lock, table, load);
      }
    }
    String first = tables.get(0);
    ReentrantLock lock = lockOf(first);
    lock.lock();
    return loadHolding(lock, first, load);
  }

  private ReentrantLock lockOf(String table) {
    return locks.computeIfAbsent(table, t -> new ReentrantLock());
  }

  private static String loadHolding(ReentrantLock lock, String table, Load load)
      throws java.sql.SQLException {
    try {
      load.run(table);
      return table;
    } finally {
      lock.unlock();
    }
  }
}
