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
    for (RecordChangeEvent<SourceRecord> r : records) {
      RecordConverter.convert(r.record()).ifPresent(e -> out.add(record(e)));
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
