package io.tidemark.schemas;

import io.tidemark.schemas.avro.Column;
import io.tidemark.schemas.avro.Position;
import io.tidemark.schemas.avro.SnapshotRecord;
import io.tidemark.schemas.avro.SnapshotRecordKind;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;

/**
 * Encodes the ROW records of one snapshot chunk for Kafka and adds each row to the chunk's
 * {@link RowChecksum} from the same bytes, so a row is encoded once. The value is exactly
 * {@code KafkaCodec.SNAPSHOT.serialize} of the record (pinned by {@code SnapshotRowEncoderTest}):
 * the fields before {@code row} are the same for every row of a chunk and are encoded once,
 * through Avro, when the encoder is made.
 *
 * <p>Not thread-safe; one per chunk reader.
 */
public final class SnapshotRowEncoder {
  // The schema's last two fields are row and manifest, both unions with null first: a ROW
  // record ends in [branch 1][row array][branch 0 (no manifest)].
  private static final byte ROW_PRESENT = 2;
  private static final byte NO_MANIFEST = 0;

  static {
    List<Schema.Field> fields = SnapshotRecord.getClassSchema().getFields();
    if (!fields.get(fields.size() - 2).name().equals("row")
        || !fields.get(fields.size() - 1).name().equals("manifest")) {
      throw new IllegalStateException("SnapshotRecord.avsc must end with the fields row, manifest");
    }
  }

  private final byte[] prefix;
  private final RowBytes row = new RowBytes();

  public SnapshotRowEncoder(String snapshotId, Position position, String database, String table,
      int chunk) {
    SnapshotRecord header = SnapshotRecord.newBuilder().setSnapshotId(snapshotId)
        .setPosition(position).setKind(SnapshotRecordKind.ROW).setDatabase(database)
        .setTable(table).setChunk(chunk).setRow(null).setManifest(null).build();
    byte[] whole = KafkaCodec.SNAPSHOT.serialize(header);
    // Without a row and a manifest the record ends in two null branches (0, 0).
    prefix = Arrays.copyOf(whole, whole.length - 2);
  }

  /** The Kafka value of the ROW record carrying {@code columns}; adds the row to {@code sum}. */
  public byte[] encode(List<Column> columns, RowChecksum sum) {
    row.encode(columns);
    sum.add(row);
    byte[] value = new byte[prefix.length + 1 + row.length() + 1];
    System.arraycopy(prefix, 0, value, 0, prefix.length);
    value[prefix.length] = ROW_PRESENT;
    System.arraycopy(row.array(), 0, value, prefix.length + 1, row.length());
    value[value.length - 1] = NO_MANIFEST;
    return value;
  }
}
