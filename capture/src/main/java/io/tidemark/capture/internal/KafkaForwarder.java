package io.tidemark.capture.internal;

import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.tidemark.schemas.KafkaCodec;
import io.tidemark.schemas.SourcePosition;
import io.tidemark.schemas.avro.ChangeEvent;
import io.tidemark.schemas.avro.Column;
import io.tidemark.schemas.avro.Operation;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Sends each batch of the engine to the change topic and marks the engine's records processed
 * only after Kafka acknowledged every one of them, so that the binlog offset Debezium commits
 * never runs ahead of what Kafka holds. A failed send fails the batch, which stops the engine
 * without committing; a restart replays from the last committed offset (duplicates, no loss).
 *
 * <p>Called by the engine's thread only.
 */
public final class KafkaForwarder
    implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> {
  private static final Integer DDL_PARTITION = 0;

  private final Producer<byte[], byte[]> producer;
  private final String topic;
  private final Duration ackTimeout;
  private final AtomicReference<SourcePosition> restartPoint = new AtomicReference<>();

  public KafkaForwarder(Producer<byte[], byte[]> producer, String topic, Duration ackTimeout) {
    this.producer = producer;
    this.topic = topic;
    this.ackTimeout = ackTimeout;
  }

  /**
   * The binlog position up to which every source change is in Kafka: the connector's restart
   * offset of the newest record handled, heartbeats included, so it also advances past
   * transaction ends and on a quiet source. Safe from any thread.
   */
  public Optional<SourcePosition> restartPoint() {
    return Optional.ofNullable(restartPoint.get());
  }

  @Override
  public void handleBatch(List<RecordChangeEvent<SourceRecord>> records,
      DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
      throws InterruptedException {
    List<Future<RecordMetadata>> acks = new ArrayList<>(records.size());
    for (RecordChangeEvent<SourceRecord> r : records) {
      Optional<ChangeEvent> event = RecordConverter.convert(r.record());
      event.ifPresent(e -> acks.add(producer.send(record(e))));
    }
    producer.flush();
    long deadline = System.nanoTime() + ackTimeout.toNanos();
    for (Future<RecordMetadata> ack : acks) {
      try {
        ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (ExecutionException e) {
        throw new IllegalStateException("Kafka did not accept a change event for topic " + topic
            + "; the batch is not committed and will be replayed", e.getCause());
      } catch (TimeoutException e) {
        throw new IllegalStateException("Kafka did not acknowledge a change event for topic "
            + topic + " within " + ackTimeout + "; the batch is not committed", e);
      }
    }
    if (!records.isEmpty()) {
      RecordConverter.restartPoint(records.get(records.size() - 1).record().sourceOffset())
          .ifPresent(restartPoint::set);
    }
    for (RecordChangeEvent<SourceRecord> r : records) {
      committer.markProcessed(r);
    }
    committer.markBatchFinished();
  }

  /**
   * DDL goes to partition 0, always: the DDL a snapshot emits shares one source position, so only
   * one partition's offset order keeps it in order (DROP, CREATE DATABASE, CREATE TABLE).
   */
  private ProducerRecord<byte[], byte[]> record(ChangeEvent e) {
    Integer partition = e.getOperation() == Operation.DDL ? DDL_PARTITION : null;
    return new ProducerRecord<>(topic, partition, key(e), KafkaCodec.CHANGES.serialize(e));
  }

  /**
   * Table and primary key: all changes of one row share a partition and so keep their order.
   * A table without a key is keyed by its name alone.
   */
  static byte[] key(ChangeEvent e) {
    StringBuilder k = new StringBuilder(e.getDatabase());
    if (e.getTable() != null) {
      k.append('.').append(e.getTable());
    }
    if (e.getKey() != null) {
      for (Column c : e.getKey()) {
        k.append('\u0000');
        Object v = c.getValue();
        k.append(v instanceof ByteBuffer b ? HexFormat.of().formatHex(bytes(b)) : String.valueOf(v));
      }
    }
    return k.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }
}
