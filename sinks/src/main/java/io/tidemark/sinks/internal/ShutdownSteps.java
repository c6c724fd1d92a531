package io.tidemark.sinks.internal;

/**
 * Runs the steps of a shutdown in order, each even when one before it failed, and keeps the
 * first failure the one thrown: the failure that ended the work, when there was one, with the
 * steps' failures added to it as suppressed, else the first step's failure with the later ones
 * added. A shutdown that fails cannot hide why the work stopped.
 */
public final class ShutdownSteps {
  private ShutdownSteps() {}

  /** One step of a shutdown. */
  @FunctionalInterface
  public interface Step {
    void run();
  }

  /**
   * @param ended what ended the work and is being thrown by the caller; null when it ended well
   * @throws RuntimeException the first step's failure when {@code ended} is null
   */
  public static void run(Throwable ended, Step... steps) {
    RuntimeException first = null;
    for (Step step : steps) {
      try {
        step.run();
      } catch (RuntimeException e) {
        if (ended != null) {
          ended.addSuppressed(e);
        } else if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
