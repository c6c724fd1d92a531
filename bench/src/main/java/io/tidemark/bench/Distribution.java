package io.tidemark.bench;

import java.util.Arrays;

/** Nearest-rank percentiles of a set of durations in nanoseconds, reported in milliseconds. */
final class Distribution {
  private final long[] sorted;

  Distribution(long[] nanos, int count) {
    this.sorted = Arrays.copyOf(nanos, count);
    Arrays.sort(sorted);
  }

  int count() {
    return sorted.length;
  }

  /** The {@code p}-th percentile (0 < p ≤ 100) in ms; NaN when empty. */
  double percentileMs(double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
  }

  double maxMs() {
    return sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e6;
  }
}
