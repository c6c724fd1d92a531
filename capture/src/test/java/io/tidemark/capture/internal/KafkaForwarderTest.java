package io.tidemark.capture.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.tidemark.schemas.SourcePosition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The forwarder's transaction per batch, against Kafka's own mock producer. */
class KafkaForwarderTest {
  private static final Schema SOURCE = SchemaBuilder.struct()
      .field("server_id", Schema.INT64_SCHEMA).field("file", Schema.STRING_SCHEMA)
      .field("pos", Schema.INT64_SCHEMA).field("row", Schema.OPTIONAL_INT32_SCHEMA)
      .field("ts_ms", Schema.INT64_SCHEMA).field("snapshot", Schema.OPTIONAL_STRING_SCHEMA)
      .field("table", Schema.OPTIONAL_STRING_SCHEMA).build();
  private static final Schema DDL = SchemaBuilder.struct().field("source", SOURCE)
      .field("databaseName", Schema.STRING_SCHEMA).field("ddl", Schema.STRING_SCHEMA).build();

  private final MockProducer<byte[], byte[]> producer =
      new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
  private final AtomicReference<SourcePosition> restartPoint = new AtomicReference<>();
  private final KafkaForwarder forwarder = new KafkaForwarder(producer, "src.changes", restartPoint);
  private final Committer committer = new Committer();

  @BeforeEach
  void initialise() {
    producer.initTransactions();
  }

  @Test
  void aBatchIsOneCommittedTransactionAndIsMarkedProcessedAfterIt() throws Exception {
    forwarder.handleBatch(List.of(ddl(100), ddl(200)), committer);

    assertThat(producer.commitCount()).isEqualTo(1);
    assertThat(producer.history()).hasSize(2);
    assertThat(committer.processed).hasSize(2);
    assertThat(committer.batchFinished).isTrue();
    assertThat(restartPoint.get().pos()).isEqualTo(200);
  }

  @Test
  void aFencedWriterMarksNothingAndSaysItWasFenced() {
    producer.fenceProducer();

    assertThatThrownBy(() -> forwarder.handleBatch(List.of(ddl(100)), committer))
        .hasMessageContaining("another capture process of the source took over")
        .hasRootCauseInstanceOf(ProducerFencedException.class);
    assertThat(committer.processed).isEmpty();
    assertThat(restartPoint.get()).isNull();
  }

  @Test
  void anEpochErrorIsAbortedAndTheAbortRevealsTheFencing() {
    // What a real broker answers a fenced producer's send: an abortable epoch error first,
    // then PRODUCER_FENCED to the abort.
    producer.commitTransactionException = new InvalidProducerEpochException("old epoch");
    producer.abortTransactionException = new ProducerFencedException("newer producer");

    assertThatThrownBy(() -> forwarder.handleBatch(List.of(ddl(100)), committer))
        .hasMessageContaining("fenced")
        .hasRootCauseInstanceOf(ProducerFencedException.class)
        .satisfies(e -> assertThat(e.getCause().getSuppressed())
            .hasAtLeastOneElementOfType(InvalidProducerEpochException.class));
    assertThat(committer.processed).isEmpty();
  }

  @Test
  void aFailedCommitIsAbortedSoNothingOfTheBatchShows() {
    producer.commitTransactionException = new InvalidProducerEpochException("old epoch");

    assertThatThrownBy(() -> forwarder.handleBatch(List.of(ddl(100), ddl(200)), committer))
        .hasMessageContaining("Kafka did not accept the transaction");
    assertThat(producer.transactionAborted()).isTrue();
    assertThat(producer.commitCount()).isZero();
    assertThat(committer.processed).isEmpty();
  }

  @Test
  void aBatchWithoutEventsOpensNoTransactionButAdvancesTheRestartPoint() throws Exception {
    SourceRecord heartbeat = new SourceRecord(Map.of("server", "src"),
        Map.of("file", "mysql-bin.000001", "pos", 300L), "__debezium-heartbeat.src", null, null);

    forwarder.handleBatch(List.of(() -> heartbeat), committer);

    assertThat(producer.transactionInFlight()).isFalse();
    assertThat(producer.commitCount()).isZero();
    assertThat(committer.processed).hasSize(1);
    assertThat(restartPoint.get().pos()).isEqualTo(300);
  }

  private static RecordChangeEvent<SourceRecord> ddl(long pos) {
    Struct source = new Struct(SOURCE).put("server_id", 1L).put("file", "mysql-bin.000001")
        .put("pos", pos).put("ts_ms", 1_000L);
    Struct value = new Struct(DDL).put("source", source).put("databaseName", "db")
        .put("ddl", "CREATE TABLE t (id INT)");
    SourceRecord r = new SourceRecord(Map.of("server", "src"),
        Map.of("file", "mysql-bin.000001", "pos", pos), "src", null, null, null, DDL, value);
    return () -> r;
  }

  private static final class Committer
      implements DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> {
    final List<RecordChangeEvent<SourceRecord>> processed = new ArrayList<>();
    boolean batchFinished;

    @Override
    public void markProcessed(RecordChangeEvent<SourceRecord> r) {
      processed.add(r);
    }

    @Override
    public void markBatchFinished() {
      batchFinished = true;
    }

    @Override
    public void markProcessed(RecordChangeEvent<SourceRecord> r, DebeziumEngine.Offsets o) {
      processed.add(r);
    }

    @Override
    public DebeziumEngine.Offsets buildOffsets() {
      throw new UnsupportedOperationException();
    }
  }
}
