package io.tidemark.sinks;

import com.github.benmanes.caffeine.cache.stats.CacheStats;
import io.tidemark.filecache.CorruptSpoolEntryException;
import io.tidemark.filecache.Spool;
import io.tidemark.filecache.SpoolFullException;
import io.tidemark.dedupe.Deduplicator;
import io.tidemark.schemas.BundleContent;
import io.tidemark.schemas.BundleKeys;
import io.tidemark.schemas.KafkaCodec;
import io.tidemark.schemas.Manifests;
import io.tidemark.schemas.SnapshotKeys;
import io.tidemark.schemas.avro.ChangeEvent;
import io.tidemark.schemas.avro.SnapshotRecord;
import io.tidemark.schemas.avro.SnapshotRecordKind;
import io.tidemark.sinks.internal.BundleConflictException;
import io.tidemark.sinks.internal.DurableStore;
import io.tidemark.sinks.internal.PartitionBatch;
import io.tidemark.sinks.internal.PartitionStart;
import io.tidemark.sinks.internal.PendingBundle;
import io.tidemark.sinks.internal.SinkConsumer;
import io.tidemark.sinks.s3.S3BundleStore;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member of the sink consumer group, for the change topic and the snapshot topic. Per
 * partition it batches entries and, when the {@link FlushPolicy} says so, makes the bundle
 * durable (in S3, or in the local spool while S3 fails) and only then commits the partition's
 * offset past it: a crash at any point leaves the entries in Kafka, and the retried bundle lands
 * at the same deterministic key. A snapshot's closing record makes its last rows durable, then
 * its manifest, then commits.
 *
 * <p>Change events capture replayed (after a reconnect or restart, at new offsets) are dropped
 * by a {@link Deduplicator} seeded, when a partition is assigned, from the newest durable
 * bundle of that partition; so is the hash chain (each change bundle records the hash of the
 * partition's previous one). A different object already at a bundle's key stops that partition
 * alone, loudly and uncommitted; an identical one counts as uploaded.
 *
 * <p>When neither S3 nor the spool can take a bundle, the worker pauses its partitions and
 * retries, holding the bundle; it never drops one. After
 * {@link SinkSettings#maxConsecutiveFailures()} failed uploads in a row it shuts down in order:
 * intake stops, every batch goes to the spool, offsets are committed, and {@link #run()} throws.
 *
 * <p>{@link #run()} must run on one thread; {@link #close()} may be called from any thread and
 * makes the loop make every batch durable and return.
 */
public final class SinkWorker implements Runnable, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SinkWorker.class);

  private final SinkSettings settings;
  private final DurableStore store;
  private final InstantSource clock;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Map<TopicPartition, PartitionBatch<?>> batches = new HashMap<>();
  private final Map<TopicPartition, PendingBundle> blocked = new LinkedHashMap<>();
  /** The offset this worker last committed per partition it holds. */
  private final Map<TopicPartition, Long> committed = new HashMap<>();
  /** The hash each partition's next change bundle chains to ("" none yet, null unknown). */
  private final Map<TopicPartition, String> chainHeads = new HashMap<>();
  /** Partitions stopped by a conflicting object at a key: paused, never committed. */
  private final Set<TopicPartition> conflicted = new HashSet<>();
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final Deduplicator dedupe;
  private final AtomicLong entries = new AtomicLong();
  private final AtomicLong uploaded = new AtomicLong();
  private final AtomicLong spooled = new AtomicLong();
  private final AtomicLong drained = new AtomicLong();
  private final AtomicLong duplicates = new AtomicLong();

  public SinkWorker(SinkSettings settings, S3BundleStore s3, Spool spool, InstantSource clock,
      DurableStore.Sleeper sleeper) {
    this.settings = settings;
    this.store = new DurableStore(s3, spool, settings.backoff(), clock, sleeper);
    this.clock = clock;
    this.dedupe = new Deduplicator(Deduplicator.DEFAULT_CACHE_SIZE);
    this.consumer = SinkConsumer.create(settings.bootstrapServers(), settings.groupId());
  }

  @Override
  public void run() {
    drain(); // what an earlier run spooled goes first
    consumer.subscribe(List.of(settings.topics().changes(), settings.topics().snapshots()),
        new FlushOnRevoke());
    boolean orderedShutdown = false;
    try {
      while (!stopping.get()) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(settings.pollTimeout())) {
          accept(r);
        }
        retryBlocked();
        flushReady();
        commitPastTransactionMarkers();
        drain();
        if (store.consecutiveFailures() >= settings.maxConsecutiveFailures()) {
          orderedShutdown = true;
          break;
        }
      }
    } catch (WakeupException e) {
      if (!stopping.get()) {
        throw e;
      }
    } finally {
      try {
        flushAll(FlushReason.SHUTDOWN);
      } finally {
        consumer.close();
      }
    }
    if (orderedShutdown) {
      throw new IllegalStateException(store.consecutiveFailures() + " uploads to s3://"
          + settings.bucket() + " failed in a row; intake stopped and every batch is in the"
          + " spool. Restore S3 access and restart: the spool drains first");
    }
  }

  /** Stops the loop; the loop makes every batch durable before it returns. */
  @Override
  public void close() {
    stopping.set(true);
    consumer.wakeup();
  }

  /** Counters since the worker started; safe to call from any thread. */
  public SinkStats stats() {
    CacheStats cache = dedupe.stats();
    return new SinkStats(entries.get(), uploaded.get(), spooled.get(), drained.get(), duplicates.get(),
        cache.hitCount(), cache.missCount(), cache.evictionCount());
  }

  private void accept(ConsumerRecord<byte[], byte[]> r) {
    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
    if (conflicted.contains(tp)) {
      return; // fetched before the pause; stays in Kafka, uncommitted
    }
    if (r.topic().equals(settings.topics().changes())) {
      ChangeEvent event = KafkaCodec.CHANGES.deserialize(r.value());
      if (dedupe.isDuplicate(tp.toString(), event)) {
        duplicates.incrementAndGet();
      } else {
        batch(tp, BundleContent.CHANGES).add(r.offset(), event, null, clock.instant());
      }
      return;
    }
    SnapshotRecord record = KafkaCodec.SNAPSHOT.deserialize(r.value());
    PartitionBatch<SnapshotRecord> batch = batch(tp, BundleContent.SNAPSHOT);
    if (batch.events() > 0 && !batch.snapshotId().equals(record.getSnapshotId())) {
      flush(tp, batch, FlushReason.SNAPSHOT_END); // rows of a snapshot that never finished
    }
    if (record.getKind() == SnapshotRecordKind.ROW) {
      batch.add(r.offset(), record, record.getSnapshotId(), clock.instant());
      return;
    }
    if (batch.events() > 0) {
      flush(tp, batch, FlushReason.SNAPSHOT_END);
    }
    String key = SnapshotKeys.manifest(settings.prefix(), record.getSnapshotId());
    store(PendingBundle.manifest(tp, key, Manifests.toJson(record.getManifest()), r.offset() + 1));
  }

  @SuppressWarnings("unchecked")
  private <T extends SpecificRecordBase> PartitionBatch<T> batch(TopicPartition tp,
      BundleContent<T> content) {
    return (PartitionBatch<T>) batches.computeIfAbsent(tp,
        k -> new PartitionBatch<>(content, k.topic(), k.partition()));
  }

  private void flushReady() {
    for (Map.Entry<TopicPartition, PartitionBatch<?>> e : batches.entrySet()) {
      PartitionBatch<?> b = e.getValue();
      Optional<FlushReason> reason =
          settings.flush().check(b.events(), b.bytes(), b.firstEventAt(), clock.instant());
      if (reason.isPresent() && !blocked.containsKey(e.getKey())) {
        flush(e.getKey(), b, reason.get());
      }
    }
  }

  private void flushAll(FlushReason reason) {
    for (Map.Entry<TopicPartition, PartitionBatch<?>> e : new ArrayList<>(batches.entrySet())) {
      if (e.getValue().events() > 0 && !blocked.containsKey(e.getKey())) {
        flush(e.getKey(), e.getValue(), reason);
      }
    }
  }

  private void flush(TopicPartition tp, PartitionBatch<?> batch, FlushReason reason) {
    PendingBundle bundle = PendingBundle.of(tp, batch, settings.prefix(), settings.format(),
        chainHeads.get(tp), reason);
    if (batch.snapshotId() == null) {
      // The next bundle follows this one whether it lands now or after a retry; if it never
      // does (partition revoked), the next owner learns the chain from what is durable.
      chainHeads.put(tp, bundle.sha256());
    }
    store(bundle);
  }

  /** Makes the bundle durable and commits, or holds it and pauses intake when nothing can. */
  private void store(PendingBundle bundle) {
    DurableStore.Result result;
    try {
      result = store.put(bundle.key(), bundle.body());
    } catch (SpoolFullException e) {
      log.error("neither S3 nor the spool can take {}: {}; intake paused, retrying", bundle.key(),
          e.getMessage());
      blocked.put(bundle.partition(), bundle);
      consumer.pause(consumer.assignment());
      return;
    } catch (BundleConflictException e) {
      stopPartition(bundle.partition(), e);
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while storing " + bundle.key(), e);
    }
    (result == DurableStore.Result.UPLOADED ? uploaded : spooled).incrementAndGet();
    entries.addAndGet(bundle.entries());
    consumer.commitSync(Map.of(bundle.partition(), new OffsetAndMetadata(bundle.commitOffset())));
    committed.put(bundle.partition(), bundle.commitOffset());
    log.info("{} of {} entries ({}) durable ({}) at {}; offset {} committed", bundle.partition(),
        bundle.entries(), bundle.reason(), result, bundle.key(), bundle.commitOffset());
  }

  /**
   * Capture writes each batch in a Kafka transaction, which ends with a commit marker: an offset
   * the consumer skips, so a bundle's last offset + 1 stays before it and the group's lag never
   * reaches zero. Where a partition has nothing pending, everything before the consumer's
   * position is durable or is a marker (or an aborted record), so the position is committed.
   */
  private void commitPastTransactionMarkers() {
    Map<TopicPartition, OffsetAndMetadata> ahead = new HashMap<>();
    for (TopicPartition tp : consumer.assignment()) {
      PartitionBatch<?> b = batches.get(tp);
      Long done = committed.get(tp);
      if ((b == null || b.events() == 0) && done != null && !blocked.containsKey(tp)
          && !conflicted.contains(tp)) {
        long position = consumer.position(tp);
        if (position > done) {
          ahead.put(tp, new OffsetAndMetadata(position));
        }
      }
    }
    if (!ahead.isEmpty()) {
      consumer.commitSync(ahead);
      ahead.forEach((tp, o) -> committed.put(tp, o.offset()));
    }
  }

  /**
   * A conflicting object stops only its partition: nothing of it is committed, so a restart (or
   * the partition's next owner) meets the same key and the same error, while the other
   * partitions go on.
   */
  private void stopPartition(TopicPartition tp, BundleConflictException e) {
    log.error("PARTITION {} STOPPED: {}", tp, e.getMessage());
    conflicted.add(tp); // its batch was taken into the bundle; later records are ignored
    blocked.remove(tp);
    consumer.pause(Set.of(tp));
  }

  private void retryBlocked() {
    if (blocked.isEmpty()) {
      return;
    }
    for (PendingBundle b : new ArrayList<>(blocked.values())) {
      blocked.remove(b.partition());
      store(b);
    }
    if (blocked.isEmpty()) {
      consumer.resume(consumer.paused().stream().filter(tp -> !conflicted.contains(tp)).toList());
      log.info("bundles durable again; intake resumed");
    }
  }

  private void drain() {
    try {
      drained.addAndGet(store.drain());
    } catch (CorruptSpoolEntryException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /** Before a partition moves to another worker, its batch is made durable and committed. */
  private final class FlushOnRevoke implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      for (TopicPartition tp : partitions) {
        PartitionBatch<?> b = batches.remove(tp);
        if (b != null && b.events() > 0 && !blocked.containsKey(tp)) {
          flush(tp, b, FlushReason.SHUTDOWN);
        }
        blocked.remove(tp); // not committed: the partition's next owner reads it again
        committed.remove(tp);
        chainHeads.remove(tp);
        conflicted.remove(tp);
        dedupe.forget(tp.toString());
      }
    }

    /** Remembers where the group stands, so a marker left after it is committed past too. */
    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      Map<TopicPartition, OffsetAndMetadata> atStart = consumer.committed(Set.copyOf(partitions));
      for (TopicPartition tp : partitions) {
        OffsetAndMetadata o = atStart.get(tp);
        committed.put(tp, o == null ? -1L : o.offset());
        if (tp.topic().equals(settings.topics().changes())) {
          PartitionStart start = store.start(BundleKeys.changeBundlesOf(settings.prefix(),
              tp.topic(), tp.partition()));
          start.newestPosition().ifPresent(p -> dedupe.seed(tp.toString(), p));
          chainHeads.put(tp, start.previousSha256());
        }
      }
    }
  }
}
