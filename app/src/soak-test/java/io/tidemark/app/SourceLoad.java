package io.tidemark.app;

import io.tidemark.testkit.MariaDbServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransactionRollbackException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A continuous mixed write load on one database: inserts, updates, deletes, primary-key
 * updates, unique-key swaps inside one transaction and large BLOBs, each transaction also
 * appending its number to {@code journal} (a table without a key), so a restore can be checked
 * for lost and duplicated transactions. Runs on its own thread until stopped; {@link #pause()}
 * holds it between transactions.
 */
final class SourceLoad implements Runnable {
  private static final int BLOB_BYTES = 256 * 1024;

  private final MariaDbServer source;
  private final String db;
  private final Random random;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicLong transactions = new AtomicLong();
  private final AtomicLong rowChanges = new AtomicLong();
  private final ReentrantLock between = new ReentrantLock();
  private final List<Integer> ids = new ArrayList<>();
  private volatile Throwable failure;
  private int nextId;

  SourceLoad(MariaDbServer source, String db, long seed) {
    this.source = source;
    this.db = db;
    this.random = new Random(seed);
  }

  /** Creates the tables with {@code rows} rows in {@code item}. */
  void create(int rows) {
    source.execute("CREATE TABLE " + db + ".item (id INT PRIMARY KEY, u INT NOT NULL UNIQUE,"
            + " n INT NOT NULL, payload MEDIUMBLOB)",
        "CREATE TABLE " + db + ".journal (seq BIGINT NOT NULL, at DATETIME(6) NOT NULL)",
        "INSERT INTO " + db + ".item (id, u, n) SELECT seq, seq, 0 FROM " + db + ".seq_1_to_" + rows,
        "ANALYZE TABLE " + db + ".item");
    for (int i = 1; i <= rows; i++) {
      ids.add(i);
    }
    nextId = rows + 1;
  }

  @Override
  public void run() {
    try (Connection c = source.connection(); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      while (running.get()) {
        between.lock();
        try {
          Transaction t = oneTransaction(s);
          c.commit();
          t.onCommit().run();
          rowChanges.addAndGet(t.changed());
          transactions.incrementAndGet();
        } catch (SQLTransactionRollbackException victim) {
          // The server rolled the transaction back as a deadlock victim (seen once in CI, 26 s
          // into the soak, while the first snapshot's backup stages hold their metadata locks);
          // like any client, the load goes on with the next one. Nothing of it is counted.
          c.rollback();
        } finally {
          between.unlock();
        }
      }
    } catch (Throwable e) {
      failure = e;
    }
  }

  /** A transaction's row changes, and what the load learns of its ids once it commits. */
  private record Transaction(int changed, Runnable onCommit) {}

  private Transaction oneTransaction(Statement s) throws SQLException {
    Runnable onCommit = () -> { };
    int changed = s.executeUpdate("INSERT INTO " + db + ".journal VALUES ("
        + (transactions.get() + 1) + ", NOW(6))");
    String item = db + ".item";
    int a = ids.get(random.nextInt(ids.size()));
    int b = ids.get(random.nextInt(ids.size()));
    switch (random.nextInt(10)) {
      case 0, 1, 2 -> {
        int id = nextId++;
        changed += s.executeUpdate("INSERT INTO " + item + " (id, u, n) VALUES (" + id + ", "
            + id + ", 0)");
        onCommit = () -> ids.add(id);
      }
      case 3, 4 -> changed += s.executeUpdate("UPDATE " + item + " SET n = n + 1 WHERE id = " + a);
      case 5 -> {
        changed += s.executeUpdate("DELETE FROM " + item + " WHERE id = " + a);
        onCommit = () -> ids.remove(Integer.valueOf(a));
      }
      case 6 -> { // a primary-key update
        int id = nextId++;
        changed += s.executeUpdate("UPDATE " + item + " SET id = " + id + " WHERE id = " + a);
        onCommit = () -> ids.set(ids.indexOf(a), id);
      }
      case 7 -> changed += swapUnique(s, item, a, b);
      case 8 -> changed += s.executeUpdate("UPDATE " + item + " SET payload = RANDOM_BYTES(1000)"
          + " WHERE id = " + a);
      default -> changed += s.executeUpdate("UPDATE " + item + " SET payload ="
          + " REPEAT(RANDOM_BYTES(1024), " + (BLOB_BYTES / 1024) + ") WHERE id = " + a);
    }
    return new Transaction(changed, onCommit);
  }

  /** Rows a and b exchange their unique values through a temporary one, in one transaction. */
  private static int swapUnique(Statement s, String item, int a, int b) throws SQLException {
    if (a == b) {
      return 0;
    }
    long ua = value(s, "SELECT u FROM " + item + " WHERE id = " + a);
    long ub = value(s, "SELECT u FROM " + item + " WHERE id = " + b);
    return s.executeUpdate("UPDATE " + item + " SET u = " + (-ua) + " WHERE id = " + a)
        + s.executeUpdate("UPDATE " + item + " SET u = " + ua + " WHERE id = " + b)
        + s.executeUpdate("UPDATE " + item + " SET u = " + ub + " WHERE id = " + a);
  }

  private static long value(Statement s, String sql) throws SQLException {
    try (ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }

  /** Holds the load between two transactions until {@link #resume()}. */
  void pause() {
    between.lock();
  }

  void resume() {
    between.unlock();
  }

  void stop() {
    running.set(false);
  }

  long transactions() {
    return transactions.get();
  }

  long rowChanges() {
    return rowChanges.get();
  }

  /** Why the load stopped by itself, if it did. */
  Throwable failure() {
    return failure;
  }
}
