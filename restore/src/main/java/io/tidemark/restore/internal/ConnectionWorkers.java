package io.tidemark.restore.internal;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Work spread over N threads, each with a target connection of its own kept for all the items
 * it takes from one shared queue, in queue order. The first failure stops the other threads
 * after their current item and is thrown, as the SQL error it was where it was one.
 */
final class ConnectionWorkers {
  private ConnectionWorkers() {}

  /** What one thread does with its connection: set it up, then handle items. */
  interface PerConnection<T> {
    Worker<T> open(Connection c) throws SQLException, IOException;
  }

  /** Handles one item and returns how many rows it counts for. */
  interface Worker<T> {
    long handle(T item) throws SQLException, IOException;
  }

  /** Runs {@code threads} workers over {@code items}; returns the sum of their counts. */
  static <T> long run(String threadName, int threads, SnapshotLoader.ConnectionFactory connections,
      Collection<T> items, PerConnection<T> perConnection)
      throws SQLException, InterruptedException {
    ConcurrentLinkedQueue<T> work = new ConcurrentLinkedQueue<>(items);
    AtomicBoolean failed = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> new Thread(r, threadName));
    try {
      List<Future<Long>> results = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        results.add(pool.submit(() -> {
          try (Connection c = connections.open()) {
            Worker<T> worker = perConnection.open(c);
            long count = 0;
            for (T item = work.poll(); item != null && !failed.get(); item = work.poll()) {
              count += worker.handle(item);
            }
            return count;
          } catch (Exception e) {
            failed.set(true);
            throw e;
          }
        }));
      }
      long count = 0;
      for (Future<Long> f : results) {
        count += f.get();
      }
      return count;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof SQLException sql) {
        throw sql;
      }
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }
}
