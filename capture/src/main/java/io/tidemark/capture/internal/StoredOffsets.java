package io.tidemark.capture.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tidemark.schemas.SourcePosition;
import io.tidemark.schemas.TopicNames;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the binlog offset the engine last committed for a source: the newest record of the
 * source's offsets topic whose key names the engine. Kafka Connect's offset store keeps key and
 * value as JSON, the key as {@code ["<engine name>", {"server": "<source>"}]}, the value as the
 * connector's offset map ({@code file}, {@code pos}, {@code gtids}, ...). A null value resets it.
 *
 * <p>Stateless and thread-safe; each call uses a consumer of its own.
 */
public final class StoredOffsets {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration POLL = Duration.ofMillis(100);

  private StoredOffsets() {}

  /**
   * Where streaming would resume; empty when nothing is stored yet (capture then starts with a
   * snapshot).
   *
   * @throws IllegalStateException if the topic cannot be read within {@code timeout}
   */
  public static Optional<SourcePosition> restartPoint(String bootstrapServers, TopicNames topics,
      Duration timeout) {
    String engine = EngineProperties.engineName(topics);
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrapServers)) {
      List<TopicPartition> partitions = consumer.partitionsFor(topics.offsets(), timeout).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      if (partitions.isEmpty()) {
        return Optional.empty();
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
      long deadline = System.nanoTime() + timeout.toNanos();
      Map<String, Object> latest = null;
      while (!reached(consumer, ends)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("could not read the offsets topic " + topics.offsets()
              + " up to " + ends + " within " + timeout);
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
          if (engine.equals(engineOf(r.key()))) {
            latest = r.value() == null ? null : offset(r.value());
          }
        }
      }
      return Optional.ofNullable(latest).flatMap(RecordConverter::restartPoint);
    } catch (org.apache.kafka.common.errors.TimeoutException e) {
      throw new IllegalStateException("Kafka at " + bootstrapServers + " did not answer within "
          + timeout + " while reading " + topics.offsets(), e);
    }
  }

  private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> ends) {
    return ends.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
  }

  private static String engineOf(byte[] key) {
    try {
      return key != null && JSON.readValue(key, Object.class) instanceof List<?> parts
          && !parts.isEmpty() && parts.get(0) instanceof String name ? name : null;
    } catch (IOException e) {
      return null; // not a Connect offset key; not ours
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> offset(byte[] value) {
    try {
      return JSON.readValue(value, Map.class);
    } catch (IOException e) {
      throw new IllegalStateException("the stored capture offset is not JSON: " + e.getMessage(), e);
    }
  }

  private static KafkaConsumer<byte[], byte[]> consumer(String bootstrapServers) {
    return new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false,
        ConsumerConfig.CLIENT_ID_CONFIG, "tidemark-offset-reader"),
        new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }
}
