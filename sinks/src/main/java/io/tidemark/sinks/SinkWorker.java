package io.tidemark.sinks;

import io.tidemark.schemas.BundleKeys;
import io.tidemark.schemas.BundleMetadata;
import io.tidemark.schemas.BundleWriter;
import io.tidemark.schemas.ChangeEvents;
import io.tidemark.sinks.internal.PartitionBatch;
import io.tidemark.sinks.s3.S3BundleStore;
import io.tidemark.sinks.s3.UploadOutcome;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.InstantSource;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * One member of the sink consumer group. Per partition it batches events, writes a bundle to S3
 * when the {@link FlushPolicy} says so, and only then commits the partition's offset past the
 * bundle: a crash at any point leaves the events in Kafka, and the retried bundle lands at the
 * same deterministic key.
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
  private final Map<TopicPartition, PartitionBatch> batches = new HashMap<>();
  private final AtomicBoolean stopping = new AtomicBoolean();

  public SinkWorker(SinkSettings settings, S3BundleStore store, InstantSource clock) {
    this.settings = settings;
    this.store = store;
    this.clock = clock;
    // Fetch sizes stay at Kafka's defaults on purpose: a record batch larger than
    // max.partition.fetch.bytes (1 MiB) or fetch.max.bytes (50 MiB) is still returned when it
    // comes first in its fetch (KIP-74), so every event capture can write (up to 64 MiB) arrives.
    // TypeRoundTripIT carries incompressible events of 32 and 48 MiB.
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
    consumer.subscribe(List.of(settings.topics().changes()), new FlushOnRevoke());
    try {
      while (!stopping.get()) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(settings.pollTimeout())) {
          TopicPartition tp = new TopicPartition(r.topic(), r.partition());
          batches.computeIfAbsent(tp, k -> new PartitionBatch(k.topic(), k.partition()))
              .add(r.offset(), ChangeEvents.deserialize(r.value()), clock.instant());
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

  private void flushReady() {
    for (Map.Entry<TopicPartition, PartitionBatch> e : batches.entrySet()) {
      PartitionBatch b = e.getValue();
      Optional<FlushReason> reason =
          settings.flush().check(b.events(), b.bytes(), b.firstEventAt(), clock.instant());
      if (reason.isPresent()) {
        flush(e.getKey(), b, reason.get());
      }
    }
  }

  private void flushAll(FlushReason reason) {
    batches.forEach((tp, b) -> {
      if (b.events() > 0) {
        flush(tp, b, reason);
      }
    });
  }

  private void flush(TopicPartition tp, PartitionBatch batch, FlushReason reason) {
    BundleWriter writer = batch.take();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream((int) Math.min(writer.encodedBytes(), 1 << 26));
    BundleMetadata meta;
    try {
      meta = writer.writeTo(bytes, settings.codec());
    } catch (IOException e) {
      throw new UncheckedIOException("writing a bundle in memory failed", e);
    }
    String key = BundleKeys.changeBundle(settings.prefix(), tp.topic(), tp.partition(),
        meta.firstOffset(), meta.lastOffset());
    UploadOutcome outcome = store.upload(key, bytes.toByteArray(), meta);
    if (outcome instanceof UploadOutcome.Conflict c) {
      throw new IllegalStateException("s3://" + settings.bucket() + "/" + c.key() + " already holds"
          + " a different bundle (sha256 " + c.existingSha256() + ", ours " + c.bundleSha256()
          + "); partition " + tp + " stops. Two repositories share one prefix?");
    }
    consumer.commitSync(Map.of(tp, new OffsetAndMetadata(meta.lastOffset() + 1)));
    log.info("bundle {} of {} events ({}, {}) durable at s3://{}/{}; offset {} committed",
        tp, meta.eventCount(), reason, outcome.getClass().getSimpleName(), settings.bucket(), key,
        meta.lastOffset() + 1);
  }

  /** Before a partition moves to another worker, its batch is written and committed here. */
  private final class FlushOnRevoke implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      for (TopicPartition tp : partitions) {
        PartitionBatch b = batches.remove(tp);
        if (b != null && b.events() > 0) {
          flush(tp, b, FlushReason.SHUTDOWN);
        }
      }
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {}
  }
}
