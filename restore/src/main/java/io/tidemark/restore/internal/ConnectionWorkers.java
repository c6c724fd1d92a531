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
 * it takes, in the order a {@link Schedule} hands them out. The first failure stops the other
 * threads after their current item and is thrown, as the SQL error it was where it was one.
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

  /** Which item a thread takes next. Thread-safe. */
  interface Schedule<T> {
    /** The next item for thread {@code worker} (0 to threads - 1); null when none is left. */
    T next(int worker);
  }

  /** The items in this order, each to the thread that asks first. */
  static <T> Schedule<T> inOrder(Collection<T> items) {
    ConcurrentLinkedQueue<T> queue = new ConcurrentLinkedQueue<>(items);
    return worker -> queue.poll();
  }

  /** Runs {@code threads} workers over the scheduled items; returns the sum of their counts. */
  static <T> long run(String threadName, int threads, SnapshotLoader.ConnectionFactory connections,
      Schedule<T> work, PerConnection<T> perConnection)
      throws SQLException, InterruptedException {
    AtomicBoolean failed = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> new Thread(r, threadName));
    try {
      List<Future<Long>> results = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        int thread = i;
        results.add(pool.submit(() -> {
          try (Connection c = connections.open()) {
            Worker<T> worker = perConnection.open(c);
            long count = 0;
            for (T item = work.next(thread); item != null && !failed.get();
                item = work.next(thread)) {
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
