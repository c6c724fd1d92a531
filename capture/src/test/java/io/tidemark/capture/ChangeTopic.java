package io.tidemark.capture;

import io.tidemark.schemas.KafkaCodec;
import io.tidemark.schemas.avro.ChangeEvent;
import io.tidemark.schemas.avro.Column;
import io.tidemark.schemas.avro.Operation;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a change topic from its beginning as a sink does, and keeps every record seen. Not
 * thread-safe: one test thread polls it, inside an Awaitility condition.
 */
final class ChangeTopic implements AutoCloseable {
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
  private final String topic;

  /** @param isolation {@code read_committed} (what sinks use) or {@code read_uncommitted} */
  ChangeTopic(String bootstrapServers, String topic, String isolation) {
    this.topic = topic;
    consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation,
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        // Capture creates the topic with its partitions; a reader must not create it first.
        ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false),
        new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  static ChangeTopic readCommitted(String bootstrapServers, String topic) {
    return new ChangeTopic(bootstrapServers, topic, "read_committed");
  }

  /**
   * Fetches what is new, from the beginning of every partition once the topic exists; returns
   * this for chaining inside a condition.
   */
  ChangeTopic poll() {
    if (consumer.assignment().isEmpty()) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(5))
          .stream().map(p -> new TopicPartition(topic, p.partition())).toList();
      if (partitions.isEmpty()) {
        return this;
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
    }
    consumer.poll(Duration.ofMillis(200)).forEach(records::add);
    return this;
  }

  /** Every record key seen so far, as text. */
  List<String> keys() {
    return records.stream().map(r -> new String(r.key(), StandardCharsets.UTF_8)).toList();
  }

  /** The ids of rows of {@code db.table} inserted or snapshotted, as seen so far. */
  Set<Long> rowIds(String db, String table) {
    Set<Long> ids = new TreeSet<>();
    for (ChangeEvent e : events(db, table)) {
      if (e.getOperation() == Operation.INSERT || e.getOperation() == Operation.SNAPSHOT_ROW) {
        ids.add(id(e));
      }
    }
    return ids;
  }

  /** How many times each row id of {@code db.table} arrived; more than once means replay. */
  Map<Long, Integer> arrivals(String db, String table) {
    Map<Long, Integer> counts = new HashMap<>();
    for (ChangeEvent e : events(db, table)) {
      if (e.getOperation() == Operation.INSERT || e.getOperation() == Operation.SNAPSHOT_ROW) {
        counts.merge(id(e), 1, Integer::sum);
      }
    }
    return counts;
  }

  /** Change events of {@code db.table} in offset order per partition. */
  List<ChangeEvent> events(String db, String table) {
    String prefix = db + "." + table + "\u0000";
    return records.stream()
        .filter(r -> new String(r.key(), StandardCharsets.UTF_8).startsWith(prefix))
        .map(r -> KafkaCodec.CHANGES.deserialize(r.value()))
        .toList();
  }

  private static long id(ChangeEvent e) {
    List<Column> row = e.getAfter() != null ? e.getAfter() : e.getBefore();
    return row.stream().filter(c -> c.getName().equals("id")).map(c -> (Long) c.getValue())
        .findFirst().orElseThrow();
  }

  @Override
  public void close() {
    consumer.close();
  }
}
