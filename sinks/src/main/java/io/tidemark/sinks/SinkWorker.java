package io.tidemark.sinks;

import com.github.benmanes.caffeine.cache.stats.CacheStats;
import io.tidemark.filecache.Spool;
import io.tidemark.dedupe.Deduplicator;
import io.tidemark.schemas.BundleContent;
import io.tidemark.schemas.BundleKeys;
import io.tidemark.schemas.KafkaCodec;
import io.tidemark.schemas.Manifests;
import io.tidemark.schemas.SnapshotKeys;
import io.tidemark.schemas.SourcePosition;
import io.tidemark.schemas.avro.ChangeEvent;
import io.tidemark.schemas.avro.Operation;
import io.tidemark.schemas.avro.SnapshotRecord;
import io.tidemark.schemas.avro.SnapshotRecordKind;
import io.tidemark.sinks.internal.ShutdownSteps;
import io.tidemark.sinks.internal.DurableStore;
import io.tidemark.sinks.internal.BundleCommitter;
import io.tidemark.sinks.internal.PartitionBatch;
import io.tidemark.sinks.internal.PartitionStart;
import io.tidemark.sinks.internal.PendingBundle;
import io.tidemark.sinks.internal.SinkConsumer;
import io.tidemark.sinks.internal.StorePipeline;
import io.tidemark.sinks.internal.Watermarks;
import io.tidemark.sinks.s3.S3BundleStore;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * <p>When neither S3 nor the spool can take a bundle (the spool at its limit, or its disk full),
 * the worker pauses its partitions and retries, holding the bundle uncommitted; it never drops
 * one ({@link BundleCommitter}; {@link SinkStats#bundlesHeld()} shows it). Memory stays bounded: the
 * batches together hold at most {@link SinkSettings#maxBufferedBytes()} after each poll
 * ({@link FlushPlanner}). After {@link SinkSettings#maxConsecutiveFailures()} failed uploads in a
 * row it shuts down in order: intake stops, every batch goes to the spool, offsets are committed,
 * and {@link #run()} throws.
 *
 * <p>{@link #run()} must run on one thread, which reads, filters and batches; bundles are
 * written, compressed and made durable on a second, in flush order ({@link StorePipeline}),
 * and their offsets are committed by the first once they are durable, all that became durable
 * since the last poll in one request. {@link #close()} may be called from any thread and makes
 * the loop make every batch durable and return.
 */
public final class SinkWorker implements Runnable, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SinkWorker.class);
  private static final Duration WATERMARK_EVERY = Duration.ofSeconds(5);
  /**
   * Bundles being stored: at most this many (enough to keep the store thread busy), holding at
   * most this share of {@link SinkSettings#maxBufferedBytes()}.
   */
  private static final int IN_FLIGHT = 4;
  private static final int IN_FLIGHT_SHARE = 4;

  private final SinkSettings settings;
  private final StorePipeline pipeline;
  private final InstantSource clock;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Map<TopicPartition, PartitionBatch<?>> batches = new HashMap<>();
  private final FlushPlanner planner;
  private final BundleCommitter committer;
  /** The hash each partition's next change bundle chains to ("" none yet, null unknown). */
  private final Map<TopicPartition, String> chainHeads = new HashMap<>();
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final Deduplicator dedupe;
  private final AtomicLong taken = new AtomicLong();
  private final AtomicLong duplicates = new AtomicLong();
  private final Watermarks watermarks = new Watermarks(WATERMARK_EVERY);
  private final S3BundleStore bucket;

  public SinkWorker(SinkSettings settings, S3BundleStore s3, Spool spool, InstantSource clock,
      DurableStore.Sleeper sleeper) {
    this.settings = settings;
    this.pipeline = new StorePipeline(
        new DurableStore(s3, spool, settings.backoff(), clock, sleeper),
        IN_FLIGHT, settings.maxBufferedBytes() / IN_FLIGHT_SHARE);
    this.bucket = s3;
    this.clock = clock;
    this.planner = settings.planner();
    this.dedupe = new Deduplicator(Deduplicator.DEFAULT_CACHE_SIZE);
    this.consumer = SinkConsumer.create(settings.bootstrapServers(), settings.groupId(),
        settings.sessionTimeout());
    this.committer = new BundleCommitter(consumer, pipeline);
  }

  @Override
  public void run() {
    boolean orderedShutdown = false;
    Throwable ended = null;
    Throwable shutdownFailed;
    try {
      pipeline.drainNow(); // what an earlier run spooled goes first
      consumer.subscribe(List.of(settings.topics().changes(), settings.topics().snapshots()),
          new FlushOnRevoke());
      while (!stopping.get()) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(settings.pollTimeout())) {
          accept(r);
          taken.incrementAndGet();
        }
        committer.commitDurable();
        committer.retryHeld();
        flushReady();
        committer.commitPastTransactionMarkers(tp -> batches.get(tp) == null
            || batches.get(tp).events() == 0);
        if (!pipeline.spoolEmpty()) {
          pipeline.drainSoon();
        } else {
          pipeline.checkDrain(); // the drain that emptied it may have met a corrupt entry
        }
        publishWatermarks();
        if (pipeline.consecutiveFailures() >= settings.maxConsecutiveFailures()) {
          orderedShutdown = true;
          break;
        }
      }
    } catch (WakeupException e) {
      if (!stopping.get()) {
        ended = e;
        throw e;
      }
    } catch (RuntimeException | Error e) {
      ended = e;
      throw e;
    } finally {
      // what is batched becomes durable and committed, also after a failure; a shutdown step
      // that fails then is added to the failure that ended the loop, never thrown instead
      shutdownFailed = ShutdownSteps.run(() -> {
        flushAll(FlushReason.SHUTDOWN);
        committer.commitAll();
      }, consumer::close, pipeline::close);
      ShutdownSteps.addTo(ended, shutdownFailed);
    }
    if (orderedShutdown) {
      IllegalStateException stopped = new IllegalStateException(pipeline.consecutiveFailures()
          + " uploads to s3://" + settings.bucket() + " failed in a row; intake stopped and " + (
              committer.heldSummary().isEmpty() ? "every batch is in the spool"
              : "every batch that fitted is in the spool; " + committer.heldSummary()
                  + " fitted nowhere (spool or its disk full) and were not committed: Kafka"
                  + " keeps them")
          + ". Restore S3 access and restart: the spool drains first");
      ShutdownSteps.addTo(stopped, shutdownFailed);
      throw stopped;
    }
    ShutdownSteps.rethrow(shutdownFailed);
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
    return new SinkStats(taken.get(), committer.entries(), committer.uploaded(), committer.spooled(),
        pipeline.drained(), committer.held(), duplicates.get(), cache.hitCount(), cache.missCount(),
        cache.evictionCount());
  }

  private void accept(ConsumerRecord<byte[], byte[]> r) {
    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
    if (committer.stopped(tp)) {
      return; // fetched before the pause; stays in Kafka, uncommitted
    }
    if (r.topic().equals(settings.topics().changes())) {
      ChangeEvent event = KafkaCodec.CHANGES.deserialize(r.value());
      if (event.getOperation() == Operation.HEARTBEAT) {
        watermarks.heard(tp, r.offset(), SourcePosition.fromAvro(event.getPosition()));
      } else if (dedupe.isDuplicate(tp.toString(), event)) {
        duplicates.incrementAndGet();
      } else {
        PartitionBatch<ChangeEvent> batch = batch(tp, BundleContent.CHANGES);
        if (batch.endsWithSchemaChange() && event.getOperation() != Operation.DDL
            && !committer.holds(tp)) {
          flush(tp, batch, FlushReason.SCHEMA_CHANGE); // rows after DDL start a new bundle
        }
        batch.add(r.offset(), event, KafkaCodec.CHANGES.datum(r.value()), null, clock.instant());
      }
      return;
    }
    SnapshotRecord record = KafkaCodec.SNAPSHOT.deserialize(r.value());
    PartitionBatch<SnapshotRecord> batch = batch(tp, BundleContent.SNAPSHOT);
    if (batch.events() > 0 && !batch.snapshotId().equals(record.getSnapshotId())) {
      flush(tp, batch, FlushReason.SNAPSHOT_END); // rows of a snapshot that never finished
    }
    if (record.getKind() == SnapshotRecordKind.ROW) {
      batch.add(r.offset(), record, KafkaCodec.SNAPSHOT.datum(r.value()), record.getSnapshotId(),
          clock.instant());
      return;
    }
    if (batch.events() > 0) {
      flush(tp, batch, FlushReason.SNAPSHOT_END);
    }
    String key = SnapshotKeys.manifest(settings.prefix(), record.getSnapshotId());
    committer.store(PendingBundle.manifest(tp, key, Manifests.toJson(record.getManifest()), r.offset() + 1));
  }

  @SuppressWarnings("unchecked")
  private <T extends SpecificRecordBase> PartitionBatch<T> batch(TopicPartition tp,
      BundleContent<T> content) {
    return (PartitionBatch<T>) batches.computeIfAbsent(tp,
        k -> new PartitionBatch<>(content, k.topic(), k.partition()));
  }

  /** Batches due by their policy, then the largest while all together exceed the budget. */
  private void flushReady() {
    List<FlushPlanner.Shape<TopicPartition>> shapes = new ArrayList<>();
    batches.forEach((tp, b) -> {
      if (!committer.holds(tp)) { // its intake is paused: it cannot grow
        shapes.add(new FlushPlanner.Shape<>(tp, b.events(), b.bytes(), b.firstEventAt(),
            b.endsWithSchemaChange(), b.snapshotId() != null));
      }
    });
    planner.plan(shapes, clock.instant()).forEach((tp, reason) ->
        flush(tp, batches.get(tp), reason));
  }

  private void flushAll(FlushReason reason) {
    for (Map.Entry<TopicPartition, PartitionBatch<?>> e : new ArrayList<>(batches.entrySet())) {
      if (e.getValue().events() > 0 && !committer.holds(e.getKey())) {
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
    committer.store(bundle);
  }

  /** Publishes how far each partition is in the bucket; a failure only delays it. */
  private void publishWatermarks() {
    watermarks.advance(committer::committedOffset, pipeline.spoolEmpty(), clock.instant(),
        (tp, position) -> {
          try {
            bucket.putWatermark(BundleKeys.watermark(settings.prefix(), tp.topic(),
                tp.partition()), position);
          } catch (RuntimeException e) {
            log.warn("watermark of {} not published yet: {}", tp, e.toString());
          }
        });
  }

  /** Before a partition moves to another worker, its batch is made durable and committed. */
  private final class FlushOnRevoke implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      for (TopicPartition tp : partitions) {
        PartitionBatch<?> b = batches.remove(tp);
        if (b != null && b.events() > 0 && !committer.holds(tp)) {
          flush(tp, b, FlushReason.SHUTDOWN);
        }
      }
      try {
        committer.commitAll();
      } finally { // also when that failed: nothing of a partition that moved is committed here
        for (TopicPartition tp : partitions) {
          committer.revoked(tp);
          watermarks.forget(tp);
          chainHeads.remove(tp);
          dedupe.forget(tp.toString());
        }
      }
    }

    /** Remembers where the group stands, so a marker left after it is committed past too. */
    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      Map<TopicPartition, OffsetAndMetadata> atStart = consumer.committed(Set.copyOf(partitions));
      for (TopicPartition tp : partitions) {
        OffsetAndMetadata o = atStart.get(tp);
        committer.assigned(tp, o == null ? -1L : o.offset());
        if (tp.topic().equals(settings.topics().changes())) {
          PartitionStart start = pipeline.start(BundleKeys.changeBundlesOf(settings.prefix(),
              tp.topic(), tp.partition()));
          start.newestPosition().ifPresent(p -> dedupe.seed(tp.toString(), p));
          chainHeads.put(tp, start.previousSha256());
        }
      }
    }
  }
}
