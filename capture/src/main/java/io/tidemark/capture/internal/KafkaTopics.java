package io.tidemark.capture.internal;

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

/** The topics capture writes and the producer it writes them with. */
public final class KafkaTopics {
  /** Room for rows with 16 MiB values and more. */
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
    return new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.LINGER_MS_CONFIG, 5,
        ProducerConfig.BATCH_SIZE_CONFIG, BATCH_BYTES,
        ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd",
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_MESSAGE_BYTES,
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000),
        new ByteArraySerializer(), new ByteArraySerializer());
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
