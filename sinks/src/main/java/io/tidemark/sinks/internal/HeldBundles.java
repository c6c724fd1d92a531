package io.tidemark.sinks.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.common.TopicPartition;

/**
 * Bundles that neither S3 nor the spool could take (S3 failing and the spool full, or its disk
 * full), held uncommitted per partition in flush order until one of them can. A partition with a
 * held bundle takes no further bundle out of order: every later bundle of it queues behind, since
 * committing a later offset first would let a crash lose the held one. Confined to the worker
 * thread.
 */
public final class HeldBundles {
  private final Map<TopicPartition, Deque<PendingBundle>> held = new LinkedHashMap<>();

  /** Holds {@code bundle} behind any bundle of its partition already held. */
  public void hold(PendingBundle bundle) {
    held.computeIfAbsent(bundle.partition(), k -> new ArrayDeque<>()).addLast(bundle);
  }

  public boolean holds(TopicPartition tp) {
    return held.containsKey(tp);
  }

  public boolean isEmpty() {
    return held.isEmpty();
  }

  /** Bundles held, over all partitions. */
  public int count() {
    return held.values().stream().mapToInt(Deque::size).sum();
  }

  public Set<TopicPartition> partitions() {
    return Set.copyOf(held.keySet());
  }

  /** Drops a partition's held bundles: they were never committed, so Kafka still has them. */
  public void forget(TopicPartition tp) {
    held.remove(tp);
  }

  /**
   * Offers each held bundle, oldest first per partition, to {@code store}, which answers whether
   * it is done with it (durable, or refused for good). A partition stops at its first bundle
   * {@code store} cannot take; that one and those after it stay held, in order. {@code store}
   * may {@link #forget} partitions.
   */
  public void retry(Predicate<PendingBundle> store) {
    for (TopicPartition tp : new ArrayList<>(held.keySet())) {
      Deque<PendingBundle> queue = held.get(tp);
      while (queue != null && !queue.isEmpty() && store.test(queue.peekFirst())) {
        queue.pollFirst();
        queue = held.get(tp);
      }
      if (queue != null && queue.isEmpty()) {
        held.remove(tp);
      }
    }
  }
}
