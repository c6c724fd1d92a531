package io.tidemark.sinks;

import io.tidemark.schemas.BundleContent;
import io.tidemark.schemas.BundleKeys;
import io.tidemark.schemas.BundleMetadata;
import io.tidemark.schemas.BundleWriter;
import io.tidemark.schemas.KafkaCodec;
import io.tidemark.schemas.Manifests;
import io.tidemark.schemas.SnapshotKeys;
import io.tidemark.schemas.avro.SnapshotRecord;
import io.tidemark.schemas.avro.SnapshotRecordKind;
import io.tidemark.sinks.internal.PartitionBatch;
import io.tidemark.sinks.s3.S3BundleStore;
import io.tidemark.sinks.s3.UploadOutcome;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member of the sink consumer group, for the change topic and the snapshot topic. Per
 * partition it batches entries, writes a bundle to S3 when the {@link FlushPolicy} says so, and
 * only then commits the partition's offset past the bundle: a crash at any point leaves the
 * entries in Kafka, and the retried bundle lands at the same deterministic key. A snapshot's
 * closing record makes its last rows durable, then writes the snapshot's manifest, then commits.
 *
 * <p>{@link #run()} is the worker's loop and must run on one thread; {@link #close()} may be
 * called from any thread and makes the loop flush every batch and return.
 */
public final class SinkWorker implements Runnable, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SinkWorker.class);

  private final SinkSettings settings;
  private final S3BundleStore store;
  private final InstantSource clock;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Map<TopicPartition, PartitionBatch<?>> batches = new HashMap<>();
  private final AtomicBoolean stopping = new AtomicBoolean();

  public SinkWorker(SinkSettings settings, S3BundleStore store, InstantSource clock) {
    this.settings = settings;
    this.store = store;
    this.clock = clock;
    this.consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, settings.groupId(),
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
        new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  @Override
  public void run() {
    consumer.subscribe(List.of(settings.topics().changes(), settings.topics().snapshots()),
        new FlushOnRevoke());
    try {
      while (!stopping.get()) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(settings.pollTimeout())) {
          accept(r);
        }
        flushReady();
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
  }

  /** Stops the loop; the loop flushes every batch before it returns. */
  @Override
  public void close() {
    stopping.set(true);
    consumer.wakeup();
  }

  private void accept(ConsumerRecord<byte[], byte[]> r) {
    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
    if (r.topic().equals(settings.topics().changes())) {
      batch(tp, BundleContent.CHANGES)
          .add(r.offset(), KafkaCodec.CHANGES.deserialize(r.value()), null, clock.instant());
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
    expectStored(store.uploadManifest(key, Manifests.toJson(record.getManifest())), tp);
    consumer.commitSync(Map.of(tp, new OffsetAndMetadata(r.offset() + 1)));
    log.info("snapshot {} complete: manifest durable at s3://{}/{}", record.getSnapshotId(),
        settings.bucket(), key);
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
      if (reason.isPresent()) {
        flush(e.getKey(), b, reason.get());
      }
    }
  }

  private void flushAll(FlushReason reason) {
    for (Map.Entry<TopicPartition, PartitionBatch<?>> e : new ArrayList<>(batches.entrySet())) {
      if (e.getValue().events() > 0) {
        flush(e.getKey(), e.getValue(), reason);
      }
    }
  }

  private void flush(TopicPartition tp, PartitionBatch<?> batch, FlushReason reason) {
    String snapshotId = batch.snapshotId();
    BundleWriter<?> writer = batch.take();
    ByteArrayOutputStream bytes =
        new ByteArrayOutputStream((int) Math.min(writer.encodedBytes(), 1 << 26));
    BundleMetadata meta;
    try {
      meta = writer.writeTo(bytes, settings.codec());
    } catch (IOException e) {
      throw new UncheckedIOException("writing a bundle in memory failed", e);
    }
    String key = snapshotId == null
        ? BundleKeys.changeBundle(settings.prefix(), tp.topic(), tp.partition(),
            meta.firstOffset(), meta.lastOffset())
        : SnapshotKeys.chunkBundle(settings.prefix(), snapshotId, meta.firstOffset(),
            meta.lastOffset());
    UploadOutcome outcome = store.upload(key, bytes.toByteArray(), meta);
    expectStored(outcome, tp);
    consumer.commitSync(Map.of(tp, new OffsetAndMetadata(meta.lastOffset() + 1)));
    log.info("bundle {} of {} events ({}, {}) durable at s3://{}/{}; offset {} committed",
        tp, meta.eventCount(), reason, outcome.getClass().getSimpleName(), settings.bucket(), key,
        meta.lastOffset() + 1);
  }

  private void expectStored(UploadOutcome outcome, TopicPartition tp) {
    if (outcome instanceof UploadOutcome.Conflict c) {
      throw new IllegalStateException("s3://" + settings.bucket() + "/" + c.key() + " already holds"
          + " a different object (sha256 " + c.existingSha256() + ", ours " + c.bundleSha256()
          + "); partition " + tp + " stops. Do two repositories share one prefix?");
    }
  }

  /** Before a partition moves to another worker, its batch is written and committed here. */
  private final class FlushOnRevoke implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      for (TopicPartition tp : partitions) {
        PartitionBatch<?> b = batches.remove(tp);
        if (b != null && b.events() > 0) {
          flush(tp, b, FlushReason.SHUTDOWN);
        }
      }
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {}
  }
}
