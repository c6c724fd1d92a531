package io.tidemark.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidemark.schemas.avro.ChangeEvent;
import io.tidemark.schemas.avro.Column;
import io.tidemark.schemas.avro.Operation;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KafkaCodecTest {

  @Test
  void writesWhatAvrosSingleObjectEncoderWrites() throws Exception {
    RandomRows rows = new RandomRows(11);
    for (int i = 0; i < 2000; i++) {
      ChangeEvent e = ChangeEvent.newBuilder()
          .setPosition(new SourcePosition(1, "mysql-bin.000002", i, 0, i % 3, "0-1-" + i, 7L * i, false).toAvro())
          .setTransactionId(i % 5 == 0 ? null : "0-1-" + i).setTransactionOrder(i % 4)
          .setDatabase("db").setTable(i % 7 == 0 ? null : "t").setOperation(Operation.UPDATE)
          .setKey(i % 2 == 0 ? null : List.of(new Column("id", (long) i)))
          .setBefore(i % 3 == 0 ? null : rows.row()).setAfter(rows.row()).build();
      ByteBuffer avro = ChangeEvent.getEncoder().encode(e);
      byte[] expected = new byte[avro.remaining()];
      avro.get(expected);

      byte[] value = KafkaCodec.CHANGES.serialize(e);

      assertThat(value).as("event %s", i).isEqualTo(expected);
      assertThat(KafkaCodec.CHANGES.deserialize(value)).isEqualTo(e);
    }
  }

  @Test
  void aValueOfAnotherSchemaIsRefusedByName() {
    byte[] snapshotRow = snapshotRow();
    assertThatThrownBy(() -> KafkaCodec.CHANGES.deserialize(snapshotRow))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("change event");
    assertThatThrownBy(() -> KafkaCodec.CHANGES.datum(snapshotRow))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("change event");
  }

  /** The sink stores the Kafka bytes as they are: the same body hash and events as encoding. */
  @Test
  void aBundleOfKafkaDatumsEqualsABundleOfTheEvents() throws Exception {
    RandomRows rows = new RandomRows(5);
    BundleWriter<ChangeEvent> fromEvents = new BundleWriter<>(BundleContent.CHANGES, "t", 0);
    BundleWriter<ChangeEvent> fromDatums = new BundleWriter<>(BundleContent.CHANGES, "t", 0);
    List<ChangeEvent> events = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      ChangeEvent e = ChangeEvent.newBuilder()
          .setPosition(new SourcePosition(1, "b.000001", 100 + i, 0, 0, "0-1-" + i, 0, false).toAvro())
          .setDatabase("db").setTable("t").setOperation(Operation.INSERT)
          .setAfter(rows.row()).build();
      events.add(e);
      fromEvents.add(i, e);
      byte[] value = KafkaCodec.CHANGES.serialize(e);
      fromDatums.add(i, KafkaCodec.CHANGES.deserialize(value), KafkaCodec.CHANGES.datum(value));
    }
    BundleMetadata ma = fromEvents.writeTo(new ByteArrayOutputStream(), BundleCodec.ZSTD);
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    BundleMetadata mb = fromDatums.writeTo(b, BundleCodec.ZSTD);
    assertThat(mb.sha256()).isEqualTo(ma.sha256());
    assertThat(fromDatums.encodedBytes()).isEqualTo(fromEvents.encodedBytes());
    List<ChangeEvent> read = new ArrayList<>();
    try (BundleReader<ChangeEvent> r = new BundleReader<>(BundleContent.CHANGES,
        new ByteArrayInputStream(b.toByteArray()), "b")) {
      r.forEachRemaining(read::add);
    }
    assertThat(read).isEqualTo(events);
  }

  private static byte[] snapshotRow() {
    return new SnapshotRowEncoder("s", new SourcePosition(1, "b.000001", 4, 0, 0, null, 0, true)
        .toAvro(), "d", "t", 0).encode(List.of(), new RowChecksum());
  }
}
