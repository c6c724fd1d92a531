package io.tidemark.capture;

import io.tidemark.schemas.KafkaCodec;
import io.tidemark.schemas.avro.ChangeEvent;
import io.tidemark.schemas.avro.Operation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a change topic the way a sink would (read_committed), from the beginning of every
 * partition up to the end offsets seen when the read starts. Assigns partitions itself, so no
 * consumer group and no committed offset is involved. Not thread-safe; one per test.
 */
final class ChangeTopicReader implements AutoCloseable {
  private static final Duration POLL = Duration.ofMillis(200);
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

  /** One record of the topic: where Kafka keeps it, and the event. */
  record Entry(int partition, long offset, ChangeEvent event) {}

  private final String topic;
  private final KafkaConsumer<byte[], byte[]> consumer;

  ChangeTopicReader(String bootstrapServers, String topic) {
    this.topic = topic;
    this.consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.CLIENT_ID_CONFIG, "test-reader-" + UUID.randomUUID(),
        ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false,
        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000),
        new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /** How many records the topic holds now, over all partitions (0 if it does not exist yet). */
  long size() {
    return endOffsets().values().stream().mapToLong(Long::longValue).sum();
  }

  /** Every event of the topic, partitions one after the other, each in offset order. */
  List<ChangeEvent> readAll() {
    return entries().stream().map(Entry::event).toList();
  }

  /**
   * Every record of the topic but capture's heartbeats (bookkeeping, not changes), partitions
   * one after the other, each in offset order.
   */
  List<Entry> entries() {
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    readToEnd(records::add);
    return records.stream()
        .sorted((a, b) -> a.partition() != b.partition()
            ? Integer.compare(a.partition(), b.partition()) : Long.compare(a.offset(), b.offset()))
        .map(r -> new Entry(r.partition(), r.offset(), KafkaCodec.CHANGES.deserialize(r.value())))
        .filter(e -> e.event().getOperation() != Operation.HEARTBEAT)
        .toList();
  }

  /**
   * Hands every event of the topic to {@code each} as it is read, keeping none: for topics too
   * large to hold. Each partition's events come in offset order, the partitions interleaved.
   */
  void forEach(Consumer<ChangeEvent> each) {
    readToEnd(r -> each.accept(KafkaCodec.CHANGES.deserialize(r.value())));
  }

  private void readToEnd(Consumer<ConsumerRecord<byte[], byte[]>> each) {
    Map<TopicPartition, Long> ends = endOffsets();
    consumer.assign(ends.keySet());
    consumer.seekToBeginning(ends.keySet());
    long read = 0;
    long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
    while (!reached(ends)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("could not read " + topic + " up to " + ends + " within "
            + READ_TIMEOUT + "; read " + read + " records");
      }
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
        each.accept(r);
        read++;
      }
    }
  }

  private boolean reached(Map<TopicPartition, Long> ends) {
    return ends.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
  }

  private Map<TopicPartition, Long> endOffsets() {
    List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10))
        .stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    return consumer.endOffsets(partitions, Duration.ofSeconds(10));
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(5));
  }
}
