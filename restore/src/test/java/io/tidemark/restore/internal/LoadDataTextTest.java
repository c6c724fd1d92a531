package io.tidemark.restore.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidemark.schemas.avro.Column;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LoadDataTextTest {
  private final LoadDataText text = new LoadDataText(1 << 16);

  private void text(Object value) {
    text.text(SnapshotRows.of("d", "t", List.of(new Column("c", value))), 0);
  }

  private void hex(Object value) {
    text.hex(SnapshotRows.of("d", "t", List.of(new Column("c", value))), 0);
  }

  private String written() {
    return new String(Arrays.copyOf(text.array(), text.size()), StandardCharsets.UTF_8);
  }

  @Test
  void writesNumbersAsTheirDigitsAndDoublesAsExactText() {
    text(-9223372036854775808L);
    text.separator(false);
    text(0.1);
    text.separator(false);
    text(1.0E-5);
    text.separator(false);
    text((double) 3.4028235E38f);
    text.separator(true);

    assertThat(written()).isEqualTo("-9223372036854775808\t0.1\t0.00001\t3.4028234663852886E38\n");
    assertThat(Double.parseDouble("3.4028234663852886E38")).isEqualTo((double) 3.4028235E38f);
    for (long v : new long[] {0, 7, -1, 10, -10, 1234567890L, Long.MAX_VALUE, Long.MIN_VALUE + 1}) {
      text.clear();
      text(v);
      assertThat(written()).as("long %d", v).isEqualTo(Long.toString(v));
    }
  }

  @Test
  void writesDoublesWithFewDecimalsAsTheirDigits() {
    double[] values = {0.7919, 841.470985, -0.5, 3.0, -12345678.25, 1e-8, 0.1 + 0.2, 2.5e8};
    String[] expected = {"0.7919", "841.470985", "-0.5", "3", "-12345678.25", "0.00000001",
        "0.30000000000000004", "250000000"};
    for (int i = 0; i < values.length; i++) {
      text.clear();
      text(values[i]);
      assertThat(written()).isEqualTo(expected[i]);
    }
  }

  @Test
  void everyDoubleParsesBackToItself() {
    java.util.Random random = new java.util.Random(11);
    for (int i = 0; i < 20_000; i++) {
      double v = switch (i % 4) {
        case 0 -> Math.round(random.nextGaussian() * 1e6) / Math.pow(10, random.nextInt(9));
        case 1 -> Double.longBitsToDouble(random.nextLong());
        case 2 -> random.nextDouble() * Math.pow(10, random.nextInt(30) - 15);
        default -> (float) (random.nextGaussian() * 1000);
      };
      if (Double.isNaN(v) || Double.isInfinite(v)) {
        continue;
      }
      text.clear();
      text(v);
      assertThat(Double.parseDouble(written())).as("%s", v).isEqualTo(v);
    }
  }

  @Test
  void writesCanonicalTextAsItIs() {
    for (String v : List.of("18446744073709551615", "-12.3400", "2026-11-22",
        "2026-11-22 04:00:00.000001", "-838:59:59.000000", "0000-00-00 00:00:00.000000")) {
      text.clear();
      text(v);
      assertThat(written()).isEqualTo(v);
    }
  }

  @Test
  void writesNullAsBackslashN() {
    text(null);
    text.separator(false);
    hex(null);
    text.separator(true);

    assertThat(written()).isEqualTo("\\N\t\\N\n");
  }

  @Test
  void escapesTheBytesLoadDataReadsAsSyntax() {
    text("a\tb\nc\\d\re\0f\\N NULL 'q' \"dq\" \u001a");

    assertThat(written()).isEqualTo("a\\tb\\nc\\\\d\\re\\0f\\\\N NULL 'q' \"dq\" \u001a");
  }

  @Test
  void writesTextAsUtf8() {
    text("é€😀");

    assertThat(Arrays.copyOf(text.array(), text.size()))
        .isEqualTo("é€😀".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void writesBytesAndBitsAsHexWhateverTheyHold() {
    byte[] every = new byte[256];
    for (int i = 0; i < 256; i++) {
      every[i] = (byte) i;
    }
    hex(ByteBuffer.wrap(every).position(1).slice());
    text.separator(false);
    hex(ByteBuffer.allocate(0));
    text.separator(false);
    hex(true);
    text.separator(false);
    hex(false);
    text.separator(true);

    String[] fields = written().split("\t", -1);
    assertThat(fields[0]).hasSize(510).startsWith("0102").endsWith("FEFF");
    assertThat(java.util.HexFormat.of().parseHex(fields[0]))
        .isEqualTo(Arrays.copyOfRange(every, 1, 256));
    assertThat(fields[1]).isEmpty();
    assertThat(fields[2]).isEqualTo("01");
    assertThat(fields[3]).isEqualTo("00\n");
  }

  @Test
  void writesABitReadAsANumberAsItsEightBytes() {
    hex(1L);
    text.separator(false);
    hex(-1L);
    text.separator(true);

    assertThat(written()).isEqualTo("0000000000000001\tFFFFFFFFFFFFFFFF\n");
  }

  @Test
  void growsForValuesLargerThanItsBuffer() {
    byte[] big = new byte[16 << 20];
    big[big.length - 1] = (byte) 0xab;
    hex(ByteBuffer.wrap(big));

    assertThat(text.size()).isEqualTo(32 << 20);
    assertThat(new String(text.array(), text.size() - 2, 2, StandardCharsets.US_ASCII))
        .isEqualTo("AB");
  }

  @Test
  void refusesAValueKindTheColumnCannotTake() {
    assertThatThrownBy(() -> hex(5.0)).hasMessageContaining("binary, BIT or geometry");
    assertThatThrownBy(() -> text(ByteBuffer.allocate(1)))
        .hasMessageContaining("text or number");
  }

  @Test
  void theStatementUnhexesBinaryColumnsAndNamesTheFormat() {
    String sql = LoadDataWriter.statement("`d`.`t`", List.of("id", "b`x", "g", "s"),
        Set.of("b`x", "g"));

    assertThat(sql).isEqualTo("LOAD DATA LOCAL INFILE 'tidemark-rows' INTO TABLE `d`.`t`"
        + " CHARACTER SET utf8mb4 FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\'"
        + " LINES TERMINATED BY '\\n' (`id`, @h1, @h2, `s`)"
        + " SET `b``x` = UNHEX(@h1), `g` = UNHEX(@h2)");
  }
}
