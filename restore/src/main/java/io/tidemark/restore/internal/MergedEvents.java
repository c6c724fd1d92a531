package io.tidemark.restore.internal;

import io.tidemark.restore.ReplayEvents;
import io.tidemark.schemas.BundleContent;
import io.tidemark.schemas.BundleReader;
import io.tidemark.schemas.EventOrder;
import io.tidemark.schemas.SourcePosition;
import io.tidemark.schemas.avro.ChangeEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PrimitiveIterator;
import java.util.PriorityQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * The events of every partition's bundles merged into replay order ({@link EventOrder#REPLAY}).
 * Each partition is already in source order. While the caller applies a partition's bundle,
 * its next one is downloaded, checked and decoded on a reader thread (one for all partitions,
 * in the order their bundles were asked for), so replay mostly finds the next bundle ready;
 * memory is bounded by two bundles per partition.
 *
 * <p>A bundle is read whole and checked before any of its events is handed out, so a corrupt
 * bundle stops the restore before it applies anything of it: the call after the last event
 * before it throws why. Bundles of one partition may overlap (a worker that crashed after an
 * upload but before its commit re-batches from the committed offset): an event whose Kafka
 * offset was already delivered is skipped. Capture may
 * also replay events after a reconnect, at new offsets: inside a partition source positions only
 * grow, so an event at or before the partition's newest delivered position is a replay and is
 * skipped too (the DDL of a schema snapshot shares one position and is kept). Used by one
 * thread besides its reader.
 */
public final class MergedEvents implements ReplayEvents {
  private final ExecutorService reader = Executors.newSingleThreadExecutor(task -> {
    Thread t = new Thread(task, "tidemark-bundle-reader");
    t.setDaemon(true);
    return t;
  });
  private final PriorityQueue<PartitionCursor> heads =
      new PriorityQueue<>(Comparator.comparing(PartitionCursor::peek, EventOrder.REPLAY));
  private final List<PartitionCursor> cursors = new ArrayList<>();
  /** Why a partition's next bundle could not be read: thrown once its last event was taken. */
  private RuntimeException failed;
  private boolean closed;

  /**
   * @param partitions bundle keys per partition, each in offset order
   * @param open opens a bundle by key; called on the reader thread
   */
  public MergedEvents(Collection<List<String>> partitions, Function<String, InputStream> open) {
    for (List<String> keys : partitions) {
      cursors.add(new PartitionCursor(new ArrayDeque<>(keys), open, reader));
    }
    try {
      for (PartitionCursor cursor : cursors) {
        if (cursor.advance()) {
          heads.add(cursor);
        }
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  @Override
  public boolean hasNext() {
    return !closed && (failed != null || !heads.isEmpty());
  }

  @Override
  public ChangeEvent next() {
    if (failed != null) {
      throw failed;
    }
    PartitionCursor cursor = closed ? null : heads.poll();
    if (cursor == null) {
      throw new NoSuchElementException();
    }
    ChangeEvent event = cursor.take();
    try {
      if (cursor.advance()) {
        heads.add(cursor);
      }
    } catch (RuntimeException e) {
      failed = e; // the event taken is good; nothing after it comes out
    }
    return event;
  }

  /** Stops reading ahead: reads not started are dropped, a running one is interrupted. */
  @Override
  public void close() {
    closed = true;
    cursors.forEach(PartitionCursor::cancel);
    reader.shutdownNow();
  }

  /** A bundle's events with the Kafka offset of each. */
  private record Bundle(List<ChangeEvent> events, long[] offsets) {
    static final Bundle EMPTY = new Bundle(List.of(), new long[0]);

    static Bundle read(String key, Function<String, InputStream> open) {
      try (InputStream in = open.apply(key);
          BundleReader<ChangeEvent> reader = new BundleReader<>(BundleContent.CHANGES, in, key)) {
        long[] offsets = new long[Math.toIntExact(reader.metadata().offsetRuns().count())];
        PrimitiveIterator.OfLong runs = reader.metadata().offsetRuns().iterator();
        List<ChangeEvent> events = new ArrayList<>(offsets.length);
        while (reader.hasNext()) {
          offsets[events.size()] = runs.nextLong();
          events.add(reader.next());
        }
        return new Bundle(events, offsets);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read bundle " + key, e);
      }
    }
  }

  private static final class PartitionCursor {
    private final Deque<String> keys;
    private final Function<String, InputStream> open;
    private final ExecutorService reader;
    /** The partition's next bundle, being read; null when none is left. */
    private Future<Bundle> ahead;
    private Bundle current = Bundle.EMPTY;
    private int index;
    private ChangeEvent head;
    private long lastOffset = -1;
    private SourcePosition newestPosition;

    PartitionCursor(Deque<String> keys, Function<String, InputStream> open,
        ExecutorService reader) {
      this.keys = keys;
      this.open = open;
      this.reader = reader;
      readAhead();
    }

    ChangeEvent peek() {
      return head;
    }

    ChangeEvent take() {
      ChangeEvent e = head;
      head = null;
      return e;
    }

    /** Moves to the next event; false when the partition is exhausted. */
    boolean advance() {
      while (true) {
        while (index == current.events().size()) {
          if (ahead == null) {
            return false;
          }
          current = await(ahead);
          index = 0;
          readAhead();
        }
        long offset = current.offsets()[index];
        ChangeEvent e = current.events().get(index++);
        if (offset <= lastOffset) {
          continue; // delivered by an earlier, overlapping bundle
        }
        lastOffset = offset;
        SourcePosition p = SourcePosition.fromAvro(e.getPosition());
        if (newestPosition == null || p.compareTo(newestPosition) > 0
            || (p.compareTo(newestPosition) == 0 && p.snapshot())) {
          newestPosition = p;
          head = e;
          return true;
        }
      }
    }

    void cancel() {
      if (ahead != null) {
        ahead.cancel(true);
      }
    }

    private void readAhead() {
      String key = keys.poll();
      ahead = key == null ? null : reader.submit(() -> Bundle.read(key, open));
    }

    private static Bundle await(Future<Bundle> bundle) {
      try {
        return bundle.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for a bundle", e);
      } catch (CancellationException e) {
        throw new IllegalStateException("closed while waiting for a bundle", e);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RuntimeException r) {
          throw r; // a corrupt bundle, or one that could not be read: named in the message
        }
        if (e.getCause() instanceof Error err) {
          throw err;
        }
        throw new IllegalStateException(e.getCause());
      }
    }
  }
}
