package io.tidemark.restore;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How far a running restore is, readable from any thread while it runs: the phase, snapshot
 * rows loaded of the manifest's total, change events and transactions replayed, and the time
 * the phase has taken.
 */
public final class RestoreProgress {
  /**
   * A restore's phases, in order; CHECK rebuilds the deferred indexes and checks the loaded
   * tables against the snapshot's manifest.
   */
  public enum Phase { PLAN, SCHEMA, LOAD, CHECK, REPLAY, DONE }

  /**
   * One reading.
   *
   * @param rowsTotal rows the snapshot's manifest records (0 before the plan is made)
   * @param phaseElapsed time since the phase began
   */
  public record Reading(Phase phase, long rowsLoaded, long rowsTotal, long events,
      long transactions, Duration phaseElapsed) {}

  private volatile Phase phase = Phase.PLAN;
  private volatile long phaseStartedNanos = System.nanoTime();
  private volatile long rowsTotal;
  private final AtomicLong rowsLoaded = new AtomicLong();
  private final AtomicLong events = new AtomicLong();
  private final AtomicLong transactions = new AtomicLong();

  public Reading read() {
    return new Reading(phase, rowsLoaded.get(), rowsTotal, events.get(), transactions.get(),
        Duration.ofNanos(System.nanoTime() - phaseStartedNanos));
  }

  void enter(Phase next) {
    phase = next;
    phaseStartedNanos = System.nanoTime();
  }

  void rowsTotal(long rows) {
    rowsTotal = rows;
  }

  void rowsLoaded(long rows) {
    rowsLoaded.addAndGet(rows);
  }

  void replayed(int transactionEvents) {
    events.addAndGet(transactionEvents);
    transactions.incrementAndGet();
  }
}
