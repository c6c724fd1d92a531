package io.tidemark.sinks.internal;

/**
 * Runs the steps of a shutdown in order, each even when one before it failed, so that a step
 * that fails cannot leave the later ones (closing a consumer, stopping a thread) undone, and
 * returns what failed instead of throwing it: the caller decides whether that failure or the
 * one that ended its work is thrown.
 */
public final class ShutdownSteps {
  private ShutdownSteps() {}

  /** One step of a shutdown. */
  @FunctionalInterface
  public interface Step {
    void run();
  }

  /**
   * Runs every step; returns the first failure (a RuntimeException or an Error) with the later
   * ones added to it as suppressed, or null when every step succeeded.
   */
  public static Throwable run(Step... steps) {
    Throwable first = null;
    for (Step step : steps) {
      try {
        step.run();
      } catch (Throwable e) { // an Error too: the later steps must still run
        if (first == null) {
          first = e;
        } else if (e != first) {
          first.addSuppressed(e);
        }
      }
    }
    return first;
  }

  /**
   * Adds {@code failure} to {@code ended}, what ended the work, as suppressed; returns whether it
   * was added (false when there is nothing to add it to).
   */
  public static boolean addTo(Throwable ended, Throwable failure) {
    if (ended == null || failure == null) {
      return false;
    }
    if (failure != ended) {
      ended.addSuppressed(failure);
    }
    return true;
  }

  /** Throws a failure {@link #run} returned, as the unchecked throwable it is. */
  public static void rethrow(Throwable failure) {
    if (failure instanceof Error e) {
      throw e;
    }
    if (failure != null) {
      throw (RuntimeException) failure;
    }
  }
}
