package io.tidemark.capture;

import io.tidemark.schemas.avro.SnapshotManifest;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes snapshots every {@code interval}, and on request. Snapshots never overlap: one thread
 * takes them in turn, and a request made while one runs is served by the next. A failed snapshot
 * is logged and remembered ({@link #lastFailure()}); the schedule goes on.
 *
 * <p>Thread-safe.
 */
public final class SnapshotSchedule implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SnapshotSchedule.class);

  private final Callable<SnapshotManifest> take;
  private final ScheduledExecutorService thread =
      Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "tidemark-snapshot-schedule"));
  private final AtomicReference<SnapshotManifest> lastSnapshot = new AtomicReference<>();
  private final AtomicReference<Exception> lastFailure = new AtomicReference<>();
  private final ScheduledFuture<?> periodic;

  /**
   * @param take takes one snapshot
   * @param interval time between the starts of scheduled snapshots
   * @param firstNow take the first one at once (the archive has none yet), else after a full
   *     interval
   */
  public SnapshotSchedule(Callable<SnapshotManifest> take, Duration interval, boolean firstNow) {
    this.take = take;
    this.periodic = thread.scheduleAtFixedRate(this::takeQuietly,
        firstNow ? 0 : interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Takes a snapshot as soon as the one running (if any) is done. */
  public CompletableFuture<SnapshotManifest> requestNow() {
    CompletableFuture<SnapshotManifest> result = new CompletableFuture<>();
    thread.execute(() -> {
      try {
        result.complete(takeAndRecord());
      } catch (Exception e) {
        result.completeExceptionally(e);
      }
    });
    return result;
  }

  public Optional<SnapshotManifest> lastSnapshot() {
    return Optional.ofNullable(lastSnapshot.get());
  }

  public Optional<Exception> lastFailure() {
    return Optional.ofNullable(lastFailure.get());
  }

  private void takeQuietly() {
    try {
      takeAndRecord();
    } catch (Exception e) {
      log.error("scheduled snapshot failed; the next one is due in one interval", e);
    }
  }

  private SnapshotManifest takeAndRecord() throws Exception {
    try {
      SnapshotManifest m = take.call();
      lastSnapshot.set(m);
      lastFailure.set(null);
      return m;
    } catch (Exception e) {
      lastFailure.set(e);
      throw e;
    }
  }

  @Override
  public void close() throws InterruptedException {
    periodic.cancel(false);
    thread.shutdown();
    if (!thread.awaitTermination(10, TimeUnit.MINUTES)) {
      thread.shutdownNow();
    }
  }
}
