package io.tidemark.capture.internal;

import io.tidemark.capture.CaptureSettings;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The topics capture writes or locks on, and the producers it writes them with. */
public final class KafkaTopics {
  /**
   * The largest event: an UPDATE carries both images, so rows of up to about 32 MiB fit. The
   * topics accept the same size (max.message.bytes).
   */
  static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

  private KafkaTopics() {}

  /**
   * Per-partition batch: the 16 KiB default holds ~50 snapshot rows, so a snapshot (one
   * partition) and a catch-up sent many small requests; bigger batches cut the producer's and the
   * broker's work per row. Latency is unaffected: capture flushes at the end of every engine
   * batch, and linger still bounds the wait of a half-full batch.
   */
  static final int BATCH_BYTES = 512 * 1024;

  /** An idempotent producer that waits for every in-sync replica. */
  public static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
    return producer(bootstrap, Map.of());
  }

  /** The same, with settings of its own (e.g. a transactional id) on top. */
  public static KafkaProducer<byte[], byte[]> producer(String bootstrap, Map<String, Object> extra) {
    Map<String, Object> config = new HashMap<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.LINGER_MS_CONFIG, 5,
        ProducerConfig.BATCH_SIZE_CONFIG, BATCH_BYTES,
        ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd",
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_MESSAGE_BYTES,
        // The producer refuses a record larger than its buffer (32 MiB by default).
        ProducerConfig.BUFFER_MEMORY_CONFIG, 2L * MAX_MESSAGE_BYTES,
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000));
    config.putAll(extra);
    return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /**
   * The change topic with the configured partitions, and the capture lock topic with exactly
   * one partition: the group assigns that partition to one member only.
   */
  public static void ensureCaptureTopics(CaptureSettings s) {
    ensure(s.bootstrapServers(), s.topics().changes(), s.partitions(), s.replicationFactor());
    ensure(s.bootstrapServers(), s.topics().captureLock(), 1, s.replicationFactor());
  }

  /** Creates the topic unless it exists. */
  public static void ensure(String bootstrap, String topic, int partitions, short replication) {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      NewTopic t = new NewTopic(topic, partitions, replication)
          .configs(Map.of("max.message.bytes", Integer.toString(MAX_MESSAGE_BYTES)));
      admin.createTopics(List.of(t)).all().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("cannot create Kafka topic " + topic + " at " + bootstrap
            + ": " + e.getCause().getMessage(), e.getCause());
      }
    } catch (TimeoutException e) {
      throw new IllegalStateException("Kafka at " + bootstrap + " did not answer within 60 s;"
          + " check KAFKA_BOOTSTRAP_SERVERS", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topic " + topic, e);
    }
  }
}
