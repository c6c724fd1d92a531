package io.tidemark.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidemark.schemas.avro.Column;
import io.tidemark.schemas.avro.SnapshotRecord;
import io.tidemark.schemas.avro.SnapshotRecordKind;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

class SnapshotRowTest {
  private static final SourcePosition AT =
      new SourcePosition(1, "mysql-bin.000001", 4, 0, 0, "0-1-9", 1_000L, true);

  @Test
  void readsEveryRowAsTheGeneratedClassesDo() throws IOException {
    RandomRows random = new RandomRows(42);
    List<SnapshotRecord> records = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      records.add(row(i % 7 < 4 ? "db" : "other_db", "t" + i / 3 % 4, random.row()));
    }
    byte[] bundle = bundleOf(records);

    List<SnapshotRecord> expected = new ArrayList<>();
    try (BundleReader<SnapshotRecord> reader = reader(bundle)) {
      reader.forEachRemaining(expected::add);
    }
    try (BundleReader<SnapshotRecord> reader = reader(bundle)) {
      SnapshotRow row = new SnapshotRow(reader.writerSchema());
      for (SnapshotRecord want : expected) {
        reader.next(row::read);
        assertThat(row.database()).isEqualTo(want.getDatabase());
        assertThat(row.table()).isEqualTo(want.getTable());
        assertThat(row.toColumns()).isEqualTo(want.getRow());
        for (int c = 0; c < row.columns(); c++) {
          assertThat(row.nameIs(c, want.getRow().get(c).getName().getBytes(
              java.nio.charset.StandardCharsets.UTF_8))).isTrue();
        }
      }
      assertThat(reader.hasNext()).isFalse(); // and the bundle's hash and count checked out
    }
  }

  @Test
  void keepsTheTableNameWhileItDoesNotChange() throws IOException {
    byte[] bundle = bundleOf(List.of(row("db", "t", List.of()), row("db", "t", List.of()),
        row("db", "u", List.of())));
    try (BundleReader<SnapshotRecord> reader = reader(bundle)) {
      SnapshotRow row = new SnapshotRow(reader.writerSchema());
      reader.next(row::read);
      String first = row.table();
      reader.next(row::read);
      assertThat(row.table()).isSameAs(first);
      reader.next(row::read);
      assertThat(row.table()).isEqualTo("u");
    }
  }

  @Test
  void refusesARecordThatIsNoRow() throws IOException {
    byte[] bundle = bundleOf(List.of(SnapshotRecord.newBuilder().setSnapshotId("s")
        .setPosition(AT.toAvro()).setKind(SnapshotRecordKind.SNAPSHOT_DONE).build()));
    try (BundleReader<SnapshotRecord> reader = reader(bundle)) {
      SnapshotRow row = new SnapshotRow(reader.writerSchema());
      assertThatThrownBy(() -> reader.next(row::read))
          .isInstanceOf(CorruptBundleException.class)
          .hasMessageContaining("is damaged at event 0")
          .hasMessageContaining("without a database or table");
    }
  }

  @Test
  void refusesAUnionBranchTheSchemaDoesNotHave() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    org.apache.avro.io.BinaryEncoder out =
        org.apache.avro.io.EncoderFactory.get().binaryEncoder(bytes, null);
    out.writeString("s"); // snapshotId
    new org.apache.avro.specific.SpecificDatumWriter<>(io.tidemark.schemas.avro.Position.class)
        .write(AT.toAvro(), out);
    out.writeEnum(0); // ROW
    out.writeIndex(5); // database: [null, string] has no branch 5
    out.flush();

    SnapshotRow row = new SnapshotRow(SnapshotRecord.getClassSchema());
    assertThatThrownBy(() -> row.read(
        org.apache.avro.io.DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null)))
        .isInstanceOf(IOException.class).hasMessageContaining("union branch 5 of 2");
  }

  @Test
  void refusesASchemaWithoutTheRowFields() {
    Schema other = SchemaBuilder.record("Other").fields().requiredString("database").endRecord();
    assertThatThrownBy(() -> new SnapshotRow(other))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a SnapshotRecord schema");
  }

  private static SnapshotRecord row(String db, String table, List<Column> columns) {
    return SnapshotRecord.newBuilder().setSnapshotId("20261207T000000Z-abc123")
        .setPosition(AT.toAvro()).setKind(SnapshotRecordKind.ROW).setDatabase(db)
        .setTable(table).setChunk(3).setRow(columns).build();
  }

  private static byte[] bundleOf(List<SnapshotRecord> records) throws IOException {
    BundleWriter<SnapshotRecord> writer = new BundleWriter<>(BundleContent.SNAPSHOT, "s", 0);
    for (int i = 0; i < records.size(); i++) {
      writer.add(i, records.get(i));
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writer.writeTo(out, BundleCodec.ZSTD);
    return out.toByteArray();
  }

  private static BundleReader<SnapshotRecord> reader(byte[] bundle) throws IOException {
    return new BundleReader<>(BundleContent.SNAPSHOT, new ByteArrayInputStream(bundle), "s/0-1.avro");
  }
}
