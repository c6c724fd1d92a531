package io.tidemark.capture.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.schemas.SourcePosition;
import io.tidemark.schemas.avro.ChangeEvent;
import io.tidemark.schemas.avro.Operation;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

class RecordConverterTest {
  private static final Schema SOURCE = SchemaBuilder.struct()
      .field("server_id", Schema.INT64_SCHEMA).field("file", Schema.STRING_SCHEMA)
      .field("pos", Schema.INT64_SCHEMA).field("row", Schema.INT32_SCHEMA)
      .field("gtid", Schema.OPTIONAL_STRING_SCHEMA).field("ts_ms", Schema.INT64_SCHEMA)
      .field("snapshot", Schema.OPTIONAL_STRING_SCHEMA).field("db", Schema.STRING_SCHEMA)
      .field("table", Schema.STRING_SCHEMA).build();
  private static final Schema ROW = SchemaBuilder.struct().optional()
      .field("id", Schema.INT32_SCHEMA).build();
  private static final Schema VALUE = SchemaBuilder.struct().field("op", Schema.STRING_SCHEMA)
      .field("before", ROW).field("after", ROW).field("source", SOURCE).build();

  /** A row change at binlog position 4000, the position MariaDB 11.4 gives a whole transaction. */
  private static SourceRecord record(String op, long event, int rowIndex, Integer before,
      Integer after, String header) {
    Struct source = new Struct(SOURCE).put("server_id", 1L).put("file", "bin.000003")
        .put("pos", 4000L).put("row", rowIndex).put("gtid", "0-1-9").put("ts_ms", 1000L)
        .put("db", "shop").put("table", "t");
    Struct value = new Struct(VALUE).put("op", op).put("source", source)
        .put("before", before == null ? null : new Struct(ROW).put("id", before))
        .put("after", after == null ? null : new Struct(ROW).put("id", after));
    ConnectHeaders headers = new ConnectHeaders();
    if (header != null) {
      headers.addString(header, "{}");
    }
    return new SourceRecord(Map.of(), Map.of("pos", 4000L, "event", event, "row", rowIndex + 1),
        "t", null, null, null, VALUE, value, null,
        headers);
  }

  private static SourcePosition position(SourceRecord r) {
    ChangeEvent e = RecordConverter.convert(r).orElseThrow();
    return SourcePosition.fromAvro(e.getPosition());
  }

  @Test
  void theTwoHalvesOfAPrimaryKeyUpdateAreDistinctEventsDeleteFirst() {
    SourcePosition delete = position(record("d", 2, 2, 1, null, "__debezium.newkey"));
    SourcePosition insert = position(record("c", 2, 2, null, 10, RecordConverter.OLD_KEY_HEADER));
    assertThat(insert).isNotEqualTo(delete);
    assertThat(delete).isLessThan(insert);
    assertThat(position(record("u", 2, 3, 5, 5, null))).as("the next row of the event")
        .isGreaterThan(insert);
  }

  @Test
  void changesOfOneTransactionAtOneBytePositionAreOrderedByTheirEvent() {
    SourcePosition first = position(record("u", 2, 0, 1, 1, null));
    SourcePosition second = position(record("u", 4, 0, 2, 2, null));
    assertThat(first.pos()).isEqualTo(second.pos());
    assertThat(first).isLessThan(second);
    assertThat(second.event()).isEqualTo(4);
  }

  @Test
  void rowsKeepTheirOrderInsideABinlogEvent() {
    assertThat(position(record("c", 2, 0, null, 1, null)).row()).isZero();
    assertThat(position(record("c", 2, 1, null, 2, null)).row()).isEqualTo(2);
    assertThat(RecordConverter.convert(record("u", 2, 0, 1, 1, null)).orElseThrow().getOperation())
        .isEqualTo(Operation.UPDATE);
  }
}
