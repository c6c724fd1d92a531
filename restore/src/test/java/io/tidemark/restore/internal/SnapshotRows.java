package io.tidemark.restore.internal;

import io.tidemark.schemas.SnapshotRow;
import io.tidemark.schemas.SourcePosition;
import io.tidemark.schemas.avro.Column;
import io.tidemark.schemas.avro.SnapshotRecord;
import io.tidemark.schemas.avro.SnapshotRecordKind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;

/** Snapshot rows as a load reads them: a SnapshotRecord encoded, then decoded into a row. */
final class SnapshotRows {
  private SnapshotRows() {}

  static SnapshotRow of(String database, String table, List<Column> columns) {
    SnapshotRecord record = SnapshotRecord.newBuilder().setSnapshotId("s")
        .setPosition(new SourcePosition(1, "b.000001", 4, 0, 0, null, 0, true).toAvro())
        .setKind(SnapshotRecordKind.ROW).setDatabase(database).setTable(table).setRow(columns)
        .build();
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
      new SpecificDatumWriter<>(SnapshotRecord.class).write(record, encoder);
      encoder.flush();
      return new SnapshotRow(SnapshotRecord.getClassSchema())
          .read(DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
