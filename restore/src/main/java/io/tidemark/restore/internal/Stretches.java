package io.tidemark.restore.internal;

import java.util.List;

/**
 * Hands each thread the items of a stretch of its own, in list order, so the threads work far
 * apart in the list: thread k of n starts at item k/n of the way. A thread whose stretch runs
 * out, or runs into items taken, moves to the middle of the longest stretch still free.
 *
 * <p>A snapshot's chunk bundles hold the tables in turn (the snapshot reads a table's chunks
 * together), so neighbouring bundles load into the same tables, and two loads into one InnoDB
 * table with an AUTO_INCREMENT column run one after the other (see {@link TableTurns}); bundles
 * far apart load into different tables at the same time. Thread-safe.
 */
final class Stretches<T> implements ConnectionWorkers.Schedule<T> {
  private final List<T> items;
  private final boolean[] taken;
  private final int[] cursor;

  Stretches(List<T> items, int threads) {
    this.items = List.copyOf(items);
    this.taken = new boolean[items.size()];
    this.cursor = new int[threads];
    for (int k = 0; k < threads; k++) {
      cursor[k] = (int) ((long) k * items.size() / threads);
    }
  }

  @Override
  public synchronized T next(int worker) {
    int i = cursor[worker];
    if (i >= taken.length || taken[i]) {
      i = middleOfLongestFreeStretch();
      if (i < 0) {
        return null;
      }
    }
    taken[i] = true;
    cursor[worker] = i + 1;
    return items.get(i);
  }

  private int middleOfLongestFreeStretch() {
    int bestStart = -1;
    int bestLength = 0;
    for (int i = 0; i < taken.length; ) {
      if (taken[i]) {
        i++;
        continue;
      }
      int start = i;
      while (i < taken.length && !taken[i]) {
        i++;
      }
      if (i - start > bestLength) {
        bestStart = start;
        bestLength = i - start;
      }
    }
    return bestStart < 0 ? -1 : bestStart + bestLength / 2;
  }
}
