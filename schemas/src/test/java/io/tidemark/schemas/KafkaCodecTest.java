package io.tidemark.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidemark.schemas.avro.ChangeEvent;
import io.tidemark.schemas.avro.Column;
import io.tidemark.schemas.avro.Operation;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class KafkaCodecTest {

  @Test
  void writesWhatAvrosSingleObjectEncoderWrites() throws Exception {
    RandomRows rows = new RandomRows(11);
    for (int i = 0; i < 2000; i++) {
      ChangeEvent e = ChangeEvent.newBuilder()
          .setPosition(new SourcePosition(1, "mysql-bin.000002", i, i % 3, "0-1-" + i, 7L * i, false).toAvro())
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
    byte[] snapshotRow = new SnapshotRowEncoder("s", new SourcePosition(1, "b.000001", 4, 0, null, 0, true)
        .toAvro(), "d", "t", 0).encode(List.of(), new RowChecksum());
    assertThatThrownBy(() -> KafkaCodec.CHANGES.deserialize(snapshotRow))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("change event");
  }
}
