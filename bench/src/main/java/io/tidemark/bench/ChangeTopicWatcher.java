package io.tidemark.bench;

import io.tidemark.schemas.KafkaCodec;
import io.tidemark.schemas.avro.ChangeEvent;
import io.tidemark.schemas.avro.Column;
import io.tidemark.schemas.avro.Operation;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Utils;

/**
 * Reads the change topic from its end, the way a downstream consumer would, and records the
 * {@link System#nanoTime()} at which each probe row's event arrives. The probe table has no
 * primary key, so capture keys all its events {@code db.table} and they share one partition:
 * the watcher reads only that partition, skips other tables' events by key and decodes only the
 * probes, so it keeps up without taking much CPU from what it measures.
 *
 * <p>{@link #run()} runs on one thread; the arrival times are read after {@link #close()}.
 */
final class ChangeTopicWatcher implements Runnable, AutoCloseable {
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final String topic;
  private final byte[] probeKey;
  private final long[] arrivedAt;
  private final long[] sentWallMs;
  private final long[] arrivedWallMs;
  private final AtomicLong events = new AtomicLong();
  private final AtomicLong probes = new AtomicLong();
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final CountDownLatch positioned = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);

  ChangeTopicWatcher(String bootstrap, String topic, String database, int capacity) {
    this.consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        // fetch.min.bytes is 1: the broker answers a waiting fetch as soon as a record is
        // appended, so fetch.max.wait.ms (default 500) adds no latency. A 5 ms wait cost ~0.3
        // cores in idle re-fetches on the probes-only run.
        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000),
        new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.topic = topic;
    this.probeKey = (database + "." + ProbeWriter.TABLE).getBytes(StandardCharsets.UTF_8);
    this.arrivedAt = new long[capacity];
    this.sentWallMs = new long[capacity];
    this.arrivedWallMs = new long[capacity];
  }

  @Override
  public void run() {
    try {
      // The producer's default partitioner for a keyed record.
      int count = consumer.partitionsFor(topic).size();
      List<TopicPartition> partitions = List.of(
          new TopicPartition(topic, Utils.toPositive(Utils.murmur2(probeKey)) % count));
      consumer.assign(partitions);
      consumer.seekToEnd(partitions);
      partitions.forEach(consumer::position); // resolve "end" now, not at the first poll
      positioned.countDown();
      while (!stopping.get()) {
        var records = consumer.poll(Duration.ofMillis(50));
        long now = System.nanoTime();
        long wall = System.currentTimeMillis();
        for (ConsumerRecord<byte[], byte[]> r : records) {
          events.incrementAndGet();
          int id = Arrays.equals(r.key(), probeKey) ? probeId(r.value()) : -1;
          if (id >= 0 && id < arrivedAt.length && arrivedAt[id] == 0) {
            arrivedAt[id] = now;
            arrivedWallMs[id] = wall;
            sentWallMs[id] = r.timestamp(); // CreateTime: when capture called producer.send
            probes.incrementAndGet();
          }
        }
      }
    } catch (WakeupException e) {
      if (!stopping.get()) {
        throw e;
      }
    } finally {
      consumer.close();
      stopped.countDown();
    }
  }

  private static int probeId(byte[] value) {
    ChangeEvent e = KafkaCodec.CHANGES.deserialize(value);
    if (e.getOperation() != Operation.INSERT) {
      return -1;
    }
    for (Column c : e.getAfter()) {
      if (c.getName().equals("id")) {
        return (int) (long) (Long) c.getValue();
      }
    }
    return -1;
  }

  /** Waits until the consumer sits at the topic's end, so no later probe is missed. */
  void awaitPositioned(Duration timeout) throws InterruptedException {
    if (!positioned.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("the change topic consumer did not start within " + timeout);
    }
  }

  /** Change events read so far from the probes' partition (every table's, not only probes). */
  long events() {
    return events.get();
  }

  /** Distinct probe events read so far. */
  long probes() {
    return probes.get();
  }

  /** When the probe's event arrived, 0 if it did not; valid after {@link #close()}. */
  long arrivedAt(int id) {
    return arrivedAt[id];
  }

  /** The probe event's Kafka timestamp: when capture handed it to the producer (wall ms). */
  long sentWallMs(int id) {
    return sentWallMs[id];
  }

  long arrivedWallMs(int id) {
    return arrivedWallMs[id];
  }

  @Override
  public void close() throws InterruptedException {
    stopping.set(true);
    consumer.wakeup();
    if (!stopped.await(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the change topic consumer did not stop within 30 s");
    }
  }
}
