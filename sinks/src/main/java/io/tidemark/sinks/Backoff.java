package io.tidemark.sinks;

import java.time.Duration;

/**
 * How long to wait before retrying: exponential from {@code initial} up to {@code max}, each wait
 * shortened by a random fraction of up to {@code jitter} so that workers do not retry in step,
 * and no more than {@code attempts} tries in all. A pure function of the attempt and a random
 * draw; the caller waits.
 *
 * @param initial the wait after the first failure
 * @param max the longest wait
 * @param jitter fraction in [0, 1) of a wait that may be taken off at random
 * @param attempts tries in all, the first included
 */
public record Backoff(Duration initial, Duration max, double jitter, int attempts) {
  public static final Backoff DEFAULT =
      new Backoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.3, 4);

  public Backoff {
    if (attempts < 1 || jitter < 0 || jitter >= 1 || initial.isNegative() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("bad backoff " + initial + ".." + max + ", jitter "
          + jitter + ", attempts " + attempts);
    }
  }

  /**
   * The wait after failed try number {@code attempt} (1-based), or null when no try is left.
   *
   * @param random a uniform draw in [0, 1)
   */
  public Duration delayAfter(int attempt, double random) {
    if (attempt >= attempts) {
      return null;
    }
    long base = initial.toMillis() << Math.min(attempt - 1, 30);
    long capped = Math.min(Math.max(base, initial.toMillis()), max.toMillis());
    return Duration.ofMillis(Math.round(capped * (1 - jitter * random)));
  }
}
