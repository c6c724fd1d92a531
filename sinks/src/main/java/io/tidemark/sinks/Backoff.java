package io.tidemark.sinks;

import java.time.Duration;

/**
 * How long to wait before retrying: exponential from {@code initial} up to {@code max}, each wait
 * shortened by a random fraction of up to {@code jitter} so that workers do not retry in step,
 * no more than {@code attempts} tries in all, and no retry that would start after
 * {@code deadline} from the first try. A pure function of the attempt, the time spent and a
 * random draw; the caller waits.
 *
 * @param initial the wait after the first failure
 * @param max the longest wait
 * @param jitter fraction in [0, 1) of a wait that may be taken off at random
 * @param attempts tries in all, the first included
 * @param deadline the longest time from the first try to the start of the last one
 */
public record Backoff(Duration initial, Duration max, double jitter, int attempts,
    Duration deadline) {
  public static final Backoff DEFAULT =
      new Backoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.3, 4, Duration.ofSeconds(30));

  public Backoff {
    if (attempts < 1 || jitter < 0 || jitter >= 1 || initial.isNegative()
        || max.compareTo(initial) < 0 || deadline.isNegative()) {
      throw new IllegalArgumentException("bad backoff " + initial + ".." + max + ", jitter "
          + jitter + ", attempts " + attempts + ", deadline " + deadline);
    }
  }

  /** At most {@code attempts} tries, with no overall deadline beyond what they take. */
  public Backoff(Duration initial, Duration max, double jitter, int attempts) {
    this(initial, max, jitter, attempts, Duration.ofDays(1));
  }

  /**
   * The wait after failed try number {@code attempt} (1-based), or null when no try is left.
   *
   * @param spent time since the first try started
   * @param random a uniform draw in [0, 1)
   */
  public Duration delayAfter(int attempt, Duration spent, double random) {
    if (attempt >= attempts) {
      return null;
    }
    long base = initial.toMillis() << Math.min(attempt - 1, 30);
    long capped = Math.min(Math.max(base, initial.toMillis()), max.toMillis());
    Duration wait = Duration.ofMillis(Math.round(capped * (1 - jitter * random)));
    return spent.plus(wait).compareTo(deadline) > 0 ? null : wait;
  }
}
