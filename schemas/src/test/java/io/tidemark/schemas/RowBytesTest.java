package io.tidemark.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidemark.schemas.avro.Column;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

class RowBytesTest {
  private static final Schema ROW = Schema.createArray(Column.getClassSchema());

  /** What RowChecksum hashed before RowBytes: Avro's own writer. */
  static byte[] avro(List<Column> row) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      BinaryEncoder e = EncoderFactory.get().directBinaryEncoder(out, null);
      new SpecificDatumWriter<List<Column>>(ROW).write(row, e);
      e.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void writesExactlyWhatAvrosWriterWrites() {
    RandomRows rows = new RandomRows(20261122);
    RowBytes bytes = new RowBytes();
    for (int i = 0; i < 5000; i++) {
      List<Column> row = rows.row();
      int[] positions = row.stream().mapToInt(c -> c.getValue() instanceof java.nio.ByteBuffer b
          ? b.position() : -1).toArray();
      bytes.encode(row);
      assertThat(Arrays.copyOf(bytes.array(), bytes.length())).as("row %s", i).isEqualTo(avro(row));
      assertThat(row.stream().mapToInt(c -> c.getValue() instanceof java.nio.ByteBuffer b
          ? b.position() : -1).toArray()).as("byte values are not consumed").isEqualTo(positions);
    }
  }

  @Test
  void aNameChangedAtTheSamePlaceIsEncodedAnew() {
    RowBytes bytes = new RowBytes();
    bytes.encode(List.of(new Column("a", 1L)));
    List<Column> other = List.of(new Column("b", 1L));
    bytes.encode(other);
    assertThat(Arrays.copyOf(bytes.array(), bytes.length())).isEqualTo(avro(other));
  }

  @Test
  void aValueOfATypeOutsideTheUnionIsRefusedAsAvroRefusesIt() {
    List<Column> row = List.of(new Column("i", 7));
    assertThatThrownBy(() -> avro(row)).isInstanceOf(AvroRuntimeException.class);
    assertThatThrownBy(() -> new RowBytes().encode(row)).isInstanceOf(AvroRuntimeException.class)
        .hasMessageContaining("java.lang.Integer");
  }
}
