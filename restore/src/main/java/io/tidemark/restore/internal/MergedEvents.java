package io.tidemark.restore.internal;

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
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PrimitiveIterator;
import java.util.PriorityQueue;
import java.util.function.Function;

/**
 * The events of every partition's bundles merged into replay order ({@link EventOrder#REPLAY}).
 * Each partition is already in source order; the merge keeps one verified bundle per partition
 * in memory, so memory is bounded by the bundle size times the partition count.
 *
 * <p>A bundle is read whole and checked before any of its events is handed out, so a corrupt
 * bundle stops the restore before it applies anything of it. Bundles of one partition may
 * overlap (a worker that crashed after an upload but before its commit re-batches from the
 * committed offset): an event whose Kafka offset was already delivered is skipped. Capture may
 * also replay events after a reconnect, at new offsets: inside a partition source positions only
 * grow, so an event at or before the partition's newest delivered position is a replay and is
 * skipped too (the DDL of a schema snapshot shares one position and is kept). Not thread-safe.
 */
public final class MergedEvents implements Iterator<ChangeEvent> {
  private final PriorityQueue<PartitionCursor> heads =
      new PriorityQueue<>(Comparator.comparing(PartitionCursor::peek, EventOrder.REPLAY));

  /**
   * @param partitions bundle keys per partition, each in offset order
   * @param open opens a bundle by key
   */
  public MergedEvents(Collection<List<String>> partitions, Function<String, InputStream> open) {
    for (List<String> keys : partitions) {
      PartitionCursor cursor = new PartitionCursor(new ArrayDeque<>(keys), open);
      if (cursor.advance()) {
        heads.add(cursor);
      }
    }
  }

  @Override
  public boolean hasNext() {
    return !heads.isEmpty();
  }

  @Override
  public ChangeEvent next() {
    PartitionCursor cursor = heads.poll();
    if (cursor == null) {
      throw new NoSuchElementException();
    }
    ChangeEvent event = cursor.take();
    if (cursor.advance()) {
      heads.add(cursor);
    }
    return event;
  }

  private static final class PartitionCursor {
    private final Deque<String> keys;
    private final Function<String, InputStream> open;
    private Iterator<ChangeEvent> current = List.<ChangeEvent>of().iterator();
    private ChangeEvent head;
    private long lastOffset = -1;
    private SourcePosition newestPosition;

    PartitionCursor(Deque<String> keys, Function<String, InputStream> open) {
      this.keys = keys;
      this.open = open;
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
        while (!current.hasNext()) {
          if (keys.isEmpty()) {
            return false;
          }
          current = load(keys.poll()).iterator();
        }
        ChangeEvent e = current.next();
        SourcePosition p = SourcePosition.fromAvro(e.getPosition());
        if (newestPosition == null || p.compareTo(newestPosition) > 0
            || (p.compareTo(newestPosition) == 0 && p.snapshot())) {
          newestPosition = p;
          head = e;
          return true;
        }
      }
    }

    private List<ChangeEvent> load(String key) {
      List<ChangeEvent> events = new ArrayList<>();
      try (InputStream in = open.apply(key);
          BundleReader<ChangeEvent> reader = new BundleReader<>(BundleContent.CHANGES, in, key)) {
        PrimitiveIterator.OfLong offsets = reader.metadata().offsetRuns().iterator();
        long newest = lastOffset;
        while (reader.hasNext()) {
          ChangeEvent e = reader.next();
          long offset = offsets.nextLong();
          if (offset > lastOffset) {
            events.add(e);
            newest = offset;
          }
        }
        lastOffset = newest;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read bundle " + key, e);
      }
      return events;
    }
  }
}
