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
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Sends each batch of the engine to the change topic in one Kafka transaction and marks the
 * engine's records processed only after that transaction committed, so the binlog offset
 * Debezium commits never runs ahead of what read_committed consumers can see.
 *
 * <p>The producer is transactional with the id every capture process of the source shares: when
 * another process takes over and initialises its producer, this one is fenced, its open
 * transaction is aborted by the broker, and its next commit fails. Any failure fails the batch,
 * which stops the engine without committing its offset; the next active capture replays from
 * the last committed offset (duplicates possible, no loss).
 *
 * <p>Called by the engine's thread only.
 */
public final class KafkaForwarder
    implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> {
  private static final Integer DDL_PARTITION = 0;
  private static final byte[] HEARTBEAT_KEY = new byte[0];

  private final Producer<byte[], byte[]> producer;
  private final String topic;
  private final AtomicReference<SourcePosition> restartPoint;

  /**
   * @param producer a transactional producer whose {@code initTransactions()} has returned
   * @param restartPoint where the position up to which every source change is in Kafka is
   *     published: the connector's restart offset of the newest record handled, heartbeats
   *     included, so it also advances past transaction ends and on a quiet source
   */
  public KafkaForwarder(Producer<byte[], byte[]> producer, String topic,
      AtomicReference<SourcePosition> restartPoint) {
    this.producer = producer;
    this.topic = topic;
    this.restartPoint = restartPoint;
  }

  @Override
  public void handleBatch(List<RecordChangeEvent<SourceRecord>> records,
      DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
      throws InterruptedException {
    List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>(records.size());
    SourceRecord heartbeat = null;
    for (RecordChangeEvent<SourceRecord> r : records) {
      RecordConverter.convert(r.record()).ifPresent(e -> out.add(record(e)));
      if (RecordConverter.isHeartbeat(r.record())) {
        heartbeat = r.record();
      }
    }
    if (heartbeat != null) {
      RecordConverter.restartPoint(heartbeat.sourceOffset())
          .ifPresent(at -> out.addAll(heartbeats(at)));
    }
    if (!out.isEmpty()) {
      sendInOneTransaction(out);
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
   * A heartbeat event on every partition, after the batch's changes: each partition then says
   * that every change before {@code at} precedes it, so a sink that made everything before the
   * heartbeat durable knows the partition is complete up to {@code at}, quiet or not.
   */
  private List<ProducerRecord<byte[], byte[]>> heartbeats(SourcePosition at) {
    byte[] value = KafkaCodec.CHANGES.serialize(ChangeEvent.newBuilder()
        .setPosition(at.toAvro()).setDatabase("").setOperation(Operation.HEARTBEAT).build());
    int partitions = producer.partitionsFor(topic).size();
    List<ProducerRecord<byte[], byte[]>> beats = new ArrayList<>(partitions);
    for (int p = 0; p < partitions; p++) {
      beats.add(new ProducerRecord<>(topic, p, HEARTBEAT_KEY, value));
    }
    return beats;
  }

  /** All or nothing: commitTransaction waits for every send and fails if any did. */
  private void sendInOneTransaction(List<ProducerRecord<byte[], byte[]>> records) {
    try {
      producer.beginTransaction();
      for (ProducerRecord<byte[], byte[]> r : records) {
        producer.send(r);
      }
      producer.commitTransaction();
    } catch (KafkaException e) {
      KafkaException why = TransactionFailure.of(e).canAbort() ? abort(e) : e;
      throw new IllegalStateException(
          TransactionFailure.of(why).describe(topic, records.size()), why);
    }
  }

  /**
   * Aborts the transaction so nothing of it shows; when the abort fails too, its error says
   * more than the send's (a fenced producer may first see an epoch error, and learns it was
   * fenced only here), so it becomes the cause, with the first error suppressed in it.
   */
  private KafkaException abort(KafkaException sendError) {
    try {
      producer.abortTransaction();
      return sendError;
    } catch (KafkaException e) {
      e.addSuppressed(sendError);
      return e;
    }
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
