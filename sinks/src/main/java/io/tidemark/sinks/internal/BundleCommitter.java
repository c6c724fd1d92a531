package io.tidemark.sinks.internal;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's rule "commit only what is durable", per partition: hands each bundle to the
 * {@link StorePipeline} and commits the offset after it only once the pipeline says it is
 * durable ({@link #commitDurable}). A bundle that neither S3 nor the spool can take is held
 * ({@link HeldBundles}) and the consumer paused until a retry succeeds; a conflicting object at a
 * key stops its partition alone, uncommitted. Confined to the worker thread, except the counters,
 * which any thread may read.
 */
public final class BundleCommitter {
  private static final Logger log = LoggerFactory.getLogger(BundleCommitter.class);

  private final Consumer<byte[], byte[]> consumer;
  private final StorePipeline pipeline;
  private final HeldBundles held = new HeldBundles();
  /** The offset this worker last committed per partition it holds. */
  private final Map<TopicPartition, Long> committed = new HashMap<>();
  /** Partitions stopped by a conflicting object at a key: paused, never committed. */
  private final Set<TopicPartition> stopped = new HashSet<>();
  private final AtomicLong entries = new AtomicLong();
  private final AtomicLong uploaded = new AtomicLong();
  private final AtomicLong spooled = new AtomicLong();
  private final AtomicLong heldCount = new AtomicLong();

  public BundleCommitter(Consumer<byte[], byte[]> consumer, StorePipeline pipeline) {
    this.consumer = consumer;
    this.pipeline = pipeline;
  }

  /**
   * Hands the bundle to the pipeline ({@link #commitDurable} commits it once durable). A bundle
   * of a partition that holds one waits behind it, untried.
   */
  public void store(PendingBundle bundle) {
    if (held.holds(bundle.partition())) {
      hold(bundle);
    } else {
      pipeline.submit(bundle);
    }
  }

  /** Commits what the pipeline made durable since the last call; holds what it could not. */
  public void commitDurable() {
    settle(pipeline.completed());
  }

  /** Waits until the pipeline has answered for every bundle, and commits what is durable. */
  public void commitAll() {
    settle(pipeline.awaitAll());
  }

  /** Offers the held bundles again; resumes intake once none is left. */
  public void retryHeld() {
    if (!held.isEmpty()) {
      commitAll(); // the bundles queued behind a held one come back untried: held in order too
      held.retry(bundle -> settleRetried(pipeline.retry(bundle)));
      heldCount.set(held.count());
      if (held.isEmpty()) {
        log.info("held bundles are durable; intake resumed");
      }
    }
    if (held.isEmpty()) { // also after the held partitions were revoked
      consumer.resume(consumer.paused().stream().filter(tp -> !stopped.contains(tp)).toList());
    }
  }

  /**
   * Capture writes each batch in a Kafka transaction, which ends with a commit marker: an offset
   * the consumer skips, so a bundle's last offset + 1 stays before it and the group's lag never
   * reaches zero. Where a partition has nothing pending ({@code idle}), everything before the
   * consumer's position is durable or is a marker (or an aborted record), so the position is
   * committed.
   */
  public void commitPastTransactionMarkers(Predicate<TopicPartition> idle) {
    Map<TopicPartition, OffsetAndMetadata> ahead = new HashMap<>();
    for (TopicPartition tp : consumer.assignment()) {
      Long done = committed.get(tp);
      if (done != null && idle.test(tp) && !held.holds(tp) && !stopped.contains(tp)
          && !pipeline.busyWith(tp)) {
        long position = consumer.position(tp);
        if (position > done) {
          ahead.put(tp, new OffsetAndMetadata(position));
        }
      }
    }
    commitAndRemember(ahead);
  }

  /** The offset committed for {@code tp}; empty before anything was. */
  public java.util.OptionalLong committedOffset(TopicPartition tp) {
    Long done = committed.get(tp);
    return done == null || done < 0 ? java.util.OptionalLong.empty()
        : java.util.OptionalLong.of(done);
  }

  /** Whether {@code tp} has a bundle waiting for S3 or the spool (its batch must wait too). */
  public boolean holds(TopicPartition tp) {
    return held.holds(tp);
  }

  /** Whether a conflicting object stopped {@code tp}. */
  public boolean stopped(TopicPartition tp) {
    return stopped.contains(tp);
  }

  /** A partition was assigned with the group's committed offset ({@code -1}: none). */
  public void assigned(TopicPartition tp, long committedOffset) {
    committed.put(tp, committedOffset);
  }

  /**
   * A partition moved away (after {@link #commitAll}): what it held was never committed, so its
   * next owner reads it.
   */
  public void revoked(TopicPartition tp) {
    held.forget(tp);
    pipeline.forget(tp);
    heldCount.set(held.count());
    committed.remove(tp);
    stopped.remove(tp);
  }

  /** What could not be stored, for the ordered shutdown's message; empty when nothing. */
  public String heldSummary() {
    return held.isEmpty() ? "" : held.count() + " bundles of " + held.partitions();
  }

  public long entries() {
    return entries.get();
  }

  public long uploaded() {
    return uploaded.get();
  }

  public long spooled() {
    return spooled.get();
  }

  public long held() {
    return heldCount.get();
  }

  private void hold(PendingBundle bundle) {
    if (held.isEmpty()) {
      log.error("NEITHER S3 NOR THE SPOOL CAN TAKE BUNDLES (first: {}); intake paused, nothing"
          + " more is committed, retrying until one of them can", bundle.key());
    }
    held.hold(bundle);
    heldCount.set(held.count());
    consumer.pause(consumer.assignment());
  }

  /** Commits the durable results (one request for all), holds the rest, in order. */
  private void settle(List<StorePipeline.Stored> results) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    StorePipeline.Stored failed = null;
    for (StorePipeline.Stored s : results) {
      TopicPartition tp = s.bundle().partition();
      if (!committed.containsKey(tp) || stopped.contains(tp)) {
        continue; // revoked or stopped meanwhile: nothing of it is committed here
      }
      switch (s.outcome()) {
        case UPLOADED, SPOOLED -> offsets.put(tp, durable(s));
        case NOT_STORED -> hold(s.bundle());
        case CONFLICT -> stopPartition(tp, s.error());
        case FAILED -> {
          stopPartition(tp, s.error()); // nothing of it after the failed bundle is committed
          failed = failed == null ? s : failed;
        }
      }
    }
    commitAndRemember(offsets);
    if (failed != null) {
      throw storeFailure(failed);
    }
  }

  private static IllegalStateException storeFailure(StorePipeline.Stored s) {
    return new IllegalStateException("storing " + s.bundle().key() + " failed: "
        + s.error().getMessage(), s.error());
  }

  /** True when done with a retried bundle (durable, or refused for good). */
  private boolean settleRetried(StorePipeline.Stored s) {
    TopicPartition tp = s.bundle().partition();
    switch (s.outcome()) {
      case UPLOADED, SPOOLED -> commitAndRemember(Map.of(tp, durable(s)));
      case NOT_STORED -> {
        return false; // the store thread logged why
      }
      case CONFLICT -> stopPartition(tp, s.error());
      case FAILED -> {
        stopPartition(tp, s.error());
        throw storeFailure(s);
      }
    }
    return true;
  }

  private OffsetAndMetadata durable(StorePipeline.Stored s) {
    PendingBundle bundle = s.bundle();
    (s.outcome() == StorePipeline.Outcome.UPLOADED ? uploaded : spooled).incrementAndGet();
    entries.addAndGet(bundle.entries());
    log.info("{} of {} entries ({}) durable ({}) at {}; offset {} to commit", bundle.partition(),
        bundle.entries(), bundle.reason(), s.outcome(), bundle.key(), bundle.commitOffset());
    return new OffsetAndMetadata(bundle.commitOffset());
  }

  private void commitAndRemember(Map<TopicPartition, OffsetAndMetadata> offsets) {
    if (!offsets.isEmpty()) {
      commit(offsets);
      offsets.forEach((tp, o) -> committed.put(tp, o.offset()));
    }
  }

  /**
   * A conflicting object stops only its partition: nothing of it is committed, so a restart (or
   * the partition's next owner) meets the same key and the same error, while the other
   * partitions go on.
   */
  private void stopPartition(TopicPartition tp, Throwable e) {
    log.error("PARTITION {} STOPPED: {}", tp, e.getMessage());
    stopped.add(tp); // its batch was taken into the bundle; later records are ignored
    held.forget(tp);
    consumer.pause(Set.of(tp));
  }

  /**
   * Commits, also when a stop was requested: {@code close()} wakes the consumer, and a wakeup
   * that arrives outside {@code poll()} surfaces, once, in the next blocking call, which during
   * the shutdown flush is this commit of a bundle already durable.
   */
  private void commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
    try {
      consumer.commitSync(offsets);
    } catch (WakeupException pendingStop) {
      consumer.commitSync(offsets);
    }
  }
}
