package io.tidemark.sinks;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which batches of a worker become bundles now: a pure function of the batches' shapes and the
 * time. Each batch flushes by its {@link FlushPolicy} (one for change events, one for snapshot
 * rows); then, while the batches left hold
 * {@code maxBufferedBytes} or more together, the largest of them flushes too
 * ({@link FlushReason#MEMORY}). So the heap the batches take is bounded by configuration,
 * however many partitions the worker is assigned; offsets are still committed only once each
 * bundle is durable.
 *
 * @param policy when one batch of change events flushes
 * @param snapshotPolicy when one batch of snapshot rows flushes
 * @param maxBufferedBytes the most all batches may hold together, uncompressed
 */
public record FlushPlanner(FlushPolicy policy, FlushPolicy snapshotPolicy, long maxBufferedBytes) {
  public FlushPlanner {
    if (maxBufferedBytes < 1) {
      throw new IllegalArgumentException("maxBufferedBytes must be positive, not "
          + maxBufferedBytes);
    }
  }

  /**
   * One batch as the planner sees it.
   *
   * @param id what names the batch (a topic-partition in the worker)
   * @param events events in the batch
   * @param bytes uncompressed bytes in the batch
   * @param firstEventAt when its first event was added; null for an empty batch
   * @param endsWithSchemaChange whether its last event is DDL
   * @param snapshot whether it holds snapshot rows
   */
  public record Shape<K>(K id, int events, long bytes, Instant firstEventAt,
      boolean endsWithSchemaChange, boolean snapshot) {}

  /** The batches to flush now, each with its reason, in the order to flush them. */
  public <K> Map<K, FlushReason> plan(List<Shape<K>> batches, Instant now) {
    Map<K, FlushReason> due = new LinkedHashMap<>();
    List<Shape<K>> left = new ArrayList<>();
    long buffered = 0;
    for (Shape<K> b : batches) {
      (b.snapshot() ? snapshotPolicy : policy)
          .check(b.events(), b.bytes(), b.firstEventAt(), b.endsWithSchemaChange(), now)
          .ifPresentOrElse(
          reason -> due.put(b.id(), reason), () -> left.add(b));
      buffered += due.containsKey(b.id()) ? 0 : b.bytes();
    }
    left.sort(Comparator.comparingLong((Shape<K> b) -> b.bytes()).reversed());
    for (Shape<K> b : left) {
      if (buffered < maxBufferedBytes || b.events() == 0) {
        break;
      }
      due.put(b.id(), FlushReason.MEMORY);
      buffered -= b.bytes();
    }
    return due;
  }
}
