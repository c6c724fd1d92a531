package io.tidemark.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Commits one row into the probe table every {@code period} and records, per probe id, the
 * {@link System#nanoTime()} just before the statement and just after the commit returned. Binlog
 * timestamps have one-second resolution; these have the JVM's.
 *
 * <p>The probe runs on its own single thread; the arrays are read only after {@link #close()}.
 */
final class ProbeWriter implements AutoCloseable {
  static final String TABLE = "tidemark_probe";

  private final Connection connection;
  private final PreparedStatement insert;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "bench-probe-writer"));
  private final long[] sentAt;
  private final long[] committedAt;
  private final long[] committedWallMs;
  private final AtomicReference<SQLException> failure = new AtomicReference<>();
  private int next;

  ProbeWriter(SourceOptions source, int capacity) throws SQLException {
    this.connection = source.connect();
    connection.setAutoCommit(true);
    this.insert = connection.prepareStatement("INSERT INTO " + TABLE + " (id, sent_ns)"
        + " VALUES (?, ?)");
    this.sentAt = new long[capacity];
    this.committedAt = new long[capacity];
    this.committedWallMs = new long[capacity];
  }

  /** (Re)creates the empty probe table; call before capture starts so its DDL is history. */
  static void createTable(SourceOptions source) throws SQLException {
    try (Connection c = source.connect(); Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS " + TABLE);
      // No primary key: capture keys its events by the table name alone, so every probe lands
      // in one partition and the watcher reads only that one, not the whole load.
      s.execute("CREATE TABLE " + TABLE + " (id BIGINT NOT NULL, sent_ns BIGINT NOT NULL)"
          + " ENGINE=InnoDB");
    }
  }

  /** Leaves the dataset as the snapshot benchmark expects it. */
  static void dropTable(SourceOptions source) throws SQLException {
    try (Connection c = source.connect(); Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS " + TABLE);
    }
  }

  void start(Duration period) {
    timer.scheduleAtFixedRate(this::probe, 0, period.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void probe() {
    if (next >= sentAt.length || failure.get() != null) {
      return;
    }
    int id = next;
    try {
      long before = System.nanoTime();
      insert.setLong(1, id);
      insert.setLong(2, before);
      insert.executeUpdate(); // autocommit: returns after the commit
      committedAt[id] = System.nanoTime();
      // Wall clock too, to split the latency at the producer's record timestamp (ms).
      committedWallMs[id] = System.currentTimeMillis();
      sentAt[id] = before;
      next = id + 1;
    } catch (SQLException e) {
      failure.compareAndSet(null, e);
    }
  }

  /** Probes committed; valid after {@link #close()}. */
  int count() {
    return next;
  }

  long sentAt(int id) {
    return sentAt[id];
  }

  long committedAt(int id) {
    return committedAt[id];
  }

  long committedWallMs(int id) {
    return committedWallMs[id];
  }

  @Override
  public void close() throws SQLException, InterruptedException {
    timer.shutdown();
    if (!timer.awaitTermination(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the probe writer did not stop within 30 s");
    }
    insert.close();
    connection.close();
    if (failure.get() != null) {
      throw new SQLException("a probe insert failed", failure.get());
    }
  }
}
