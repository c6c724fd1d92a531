package io.tidemark.sinks.internal;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The sink worker's Kafka consumer: manual commits, committed reads only; the group moves the
 * partitions of a worker that stopped answering after {@code sessionTimeout}.
 */
public final class SinkConsumer {
  private SinkConsumer() {}

  public static KafkaConsumer<byte[], byte[]> create(String bootstrapServers, String groupId,
      Duration sessionTimeout) {
    // Fetch sizes stay at Kafka's defaults on purpose: a record batch larger than
    // max.partition.fetch.bytes (1 MiB) or fetch.max.bytes (50 MiB) is still returned when it
    // comes first in its fetch (KIP-74), so every event capture can write (up to 64 MiB) arrives.
    // TypeRoundTripIT carries incompressible events of 32 and 48 MiB.
    return new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.GROUP_ID_CONFIG, groupId,
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024,
        ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) sessionTimeout.toMillis(),
        ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
        (int) Math.min(3000, sessionTimeout.toMillis() / 3)),
        new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }
}
