package io.tidemark.schemas;

import java.util.ArrayList;
import java.util.List;
import java.util.PrimitiveIterator;

/**
 * The Kafka offsets of a bundle's entries, as runs of consecutive offsets ("100-180,182-250").
 * Offsets are not always contiguous (transaction markers take offsets, a filter may drop
 * entries), and a reader needs each entry's offset to skip what an overlapping earlier bundle
 * already delivered. Entries keep their offsets' order.
 *
 * <p>Not thread-safe while being built.
 */
public final class OffsetRuns {
  private final List<long[]> runs = new ArrayList<>();
  private long count;

  /** Appends the next entry's offset; offsets must increase. */
  public void add(long offset) {
    long[] last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
    if (last != null && offset <= last[1]) {
      throw new IllegalArgumentException("offset " + offset + " does not follow " + last[1]);
    }
    if (last != null && offset == last[1] + 1) {
      last[1] = offset;
    } else {
      runs.add(new long[] {offset, offset});
    }
    count++;
  }

  public long count() {
    return count;
  }

  public String format() {
    StringBuilder s = new StringBuilder();
    for (long[] r : runs) {
      if (s.length() > 0) {
        s.append(',');
      }
      s.append(r[0]);
      if (r[1] != r[0]) {
        s.append('-').append(r[1]);
      }
    }
    return s.toString();
  }

  public static OffsetRuns parse(String text) {
    OffsetRuns o = new OffsetRuns();
    if (text.isEmpty()) {
      return o;
    }
    for (String run : text.split(",")) {
      int dash = run.indexOf('-');
      long from = Long.parseLong(dash < 0 ? run : run.substring(0, dash));
      long to = dash < 0 ? from : Long.parseLong(run.substring(dash + 1));
      if (to < from) {
        throw new IllegalArgumentException("offset run '" + run + "' goes backwards");
      }
      for (long x = from; x <= to; x++) {
        o.add(x);
      }
    }
    return o;
  }

  /** The offsets in entry order, counted out run by run (nothing is buffered). */
  public PrimitiveIterator.OfLong iterator() {
    return new PrimitiveIterator.OfLong() {
      private int run;
      private long next = runs.isEmpty() ? 0 : runs.get(0)[0];

      @Override
      public boolean hasNext() {
        return run < runs.size();
      }

      @Override
      public long nextLong() {
        if (!hasNext()) {
          throw new java.util.NoSuchElementException();
        }
        long offset = next;
        if (offset == runs.get(run)[1]) {
          run++;
          next = run < runs.size() ? runs.get(run)[0] : 0;
        } else {
          next++;
        }
        return offset;
      }
    };
  }
}
