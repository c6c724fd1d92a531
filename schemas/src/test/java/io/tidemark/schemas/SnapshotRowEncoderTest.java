package io.tidemark.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.schemas.avro.Column;
import io.tidemark.schemas.avro.Position;
import io.tidemark.schemas.avro.SnapshotRecord;
import io.tidemark.schemas.avro.SnapshotRecordKind;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SnapshotRowEncoderTest {
  private static final Position AT = new SourcePosition(5, "mysql-bin.000003", 4711, 0, 0, "0-5-99", 1_700_000_000_000L, true)
      .toAvro();

  @Test
  void valueIsWhatKafkaCodecWritesForTheWholeRecord() {
    SnapshotRowEncoder encoder = new SnapshotRowEncoder("20261122T040000Z-abcdef", AT, "shop", "orders", 7);
    RandomRows rows = new RandomRows(7);
    RowChecksum sum = new RowChecksum();
    for (int i = 0; i < 2000; i++) {
      List<Column> row = rows.row();
      SnapshotRecord record = SnapshotRecord.newBuilder().setSnapshotId("20261122T040000Z-abcdef")
          .setPosition(AT).setKind(SnapshotRecordKind.ROW).setDatabase("shop").setTable("orders")
          .setChunk(7).setRow(row).build();
      byte[] value = encoder.encode(row, sum);
      assertThat(value).as("row %s", i).isEqualTo(KafkaCodec.SNAPSHOT.serialize(record));
      assertThat(KafkaCodec.SNAPSHOT.deserialize(value)).isEqualTo(record);
    }
  }

  /** Manifests written before the encoder was shared must still verify. */
  @Test
  void checksumIsTheSumOfTheRowsSha256AsBefore() throws Exception {
    List<List<Column>> rows = rows(3000);
    long expected = 0;
    for (List<Column> row : rows) {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(RowBytesTest.avro(row));
      for (int i = 0, shift = 56; i < 8; i++, shift -= 8) {
        expected += (d[i] & 0xffL) << shift;
      }
    }
    assertThat(encoded(rows).hex()).isEqualTo(String.format("%016x", expected));
  }

  @Test
  void snapshotAndRestoreSidesAgreeInAnyOrderAndSplit() {
    List<List<Column>> rows = rows(3000);
    RowChecksum snapshot = encoded(rows);

    List<List<Column>> shuffled = new ArrayList<>(rows);
    Collections.shuffle(shuffled, new Random(3));
    RowChecksum first = new RowChecksum();
    RowChecksum second = new RowChecksum();
    for (int i = 0; i < shuffled.size(); i++) {
      (i < 1000 ? first : second).add(shuffled.get(i));
    }
    first.add(second);

    assertThat(first.hex()).isEqualTo(snapshot.hex());
    assertThat(first.rows()).isEqualTo(snapshot.rows()).isEqualTo(3000);
  }

  @Test
  void aChangedValueChangesTheChecksum() {
    List<List<Column>> rows = rows(100);
    String before = encoded(rows).hex();
    rows.set(50, List.of(new Column("x", 1L)));
    assertThat(encoded(rows).hex()).isNotEqualTo(before);
  }

  private static RowChecksum encoded(List<List<Column>> rows) {
    SnapshotRowEncoder encoder = new SnapshotRowEncoder("s", AT, "d", "t", 0);
    RowChecksum sum = new RowChecksum();
    rows.forEach(r -> encoder.encode(r, sum));
    return sum;
  }

  private static List<List<Column>> rows(int n) {
    RandomRows random = new RandomRows(n);
    List<List<Column>> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(random.row());
    }
    return rows;
  }
}
