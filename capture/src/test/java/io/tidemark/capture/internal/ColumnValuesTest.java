package io.tidemark.capture.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.debezium.data.Bits;
import io.debezium.data.Enum;
import io.debezium.data.EnumSet;
import io.debezium.data.Json;
import io.debezium.data.geometry.Geometry;
import io.debezium.data.geometry.Point;
import io.debezium.time.Date;
import io.debezium.time.MicroTime;
import io.debezium.time.MicroTimestamp;
import io.debezium.time.NanoTime;
import io.debezium.time.NanoTimestamp;
import io.debezium.time.Time;
import io.debezium.time.Timestamp;
import io.debezium.time.ZonedTimestamp;
import io.tidemark.schemas.avro.Column;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each row: a value as Debezium's MariaDB connector emits it (schema and Java value, as observed
 * for snapshot and binlog) and the canonical event value MariaDB parses back to the source value.
 */
class ColumnValuesTest {
  private static final byte[] POINT_1_2 = hex("0101000000000000000000f03f0000000000000040");

  static Stream<Arguments> conversions() {
    return Stream.of(
        // integers of every width, signed and unsigned extremes
        row("TINYINT min", SchemaBuilder.int16(), (short) -128, -128L),
        row("TINYINT UNSIGNED max", SchemaBuilder.int16(), (short) 255, 255L),
        row("SMALLINT min", SchemaBuilder.int16(), Short.MIN_VALUE, -32768L),
        row("SMALLINT UNSIGNED max", SchemaBuilder.int32(), 65535, 65535L),
        row("MEDIUMINT min", SchemaBuilder.int32(), -8388608, -8388608L),
        row("INT min", SchemaBuilder.int32(), Integer.MIN_VALUE, -2147483648L),
        row("INT UNSIGNED max", SchemaBuilder.int64(), 4294967295L, 4294967295L),
        row("BIGINT min", SchemaBuilder.int64(), Long.MIN_VALUE, Long.MIN_VALUE),
        row("BIGINT max", SchemaBuilder.int64(), Long.MAX_VALUE, Long.MAX_VALUE),
        row("BIGINT UNSIGNED max", Decimal.builder(0), new BigDecimal("18446744073709551615"),
            "18446744073709551615"),
        row("BOOLEAN -128 (ExactTypeConverter)", SchemaBuilder.int16(), (short) -128, -128L),
        row("YEAR 0000 (ExactTypeConverter)", SchemaBuilder.int32(), 0, 0L),
        row("BIT(1)", SchemaBuilder.bool(), true, true),
        // FLOAT widens exactly; DOUBLE as it is, sign of zero included
        row("FLOAT max", SchemaBuilder.float32(), Float.MAX_VALUE, (double) Float.MAX_VALUE),
        row("FLOAT smallest subnormal", SchemaBuilder.float32(), Float.MIN_VALUE, (double) Float.MIN_VALUE),
        row("FLOAT -min normal", SchemaBuilder.float32(), -Float.MIN_NORMAL, (double) -Float.MIN_NORMAL),
        row("DOUBLE max", SchemaBuilder.float64(), Double.MAX_VALUE, Double.MAX_VALUE),
        row("DOUBLE smallest subnormal", SchemaBuilder.float64(), Double.MIN_VALUE, Double.MIN_VALUE),
        row("DOUBLE -0", SchemaBuilder.float64(), -0.0d, -0.0d),
        // DECIMAL: decimal.handling.mode=string is plain text; a Decimal keeps its scale
        row("DECIMAL(65,30) min", SchemaBuilder.string(),
            "-99999999999999999999999999999999999.999999999999999999999999999999",
            "-99999999999999999999999999999999999.999999999999999999999999999999"),
        row("DECIMAL(65,30) zero", SchemaBuilder.string(), "0.000000000000000000000000000000",
            "0.000000000000000000000000000000"),
        row("Decimal zero with scale", Decimal.builder(30), new BigDecimal("0E-30"),
            "0.000000000000000000000000000000"),
        // DATE: epoch days
        row("DATE 0001-01-01", Date.builder(), -719162, "0001-01-01"),
        row("DATE 1000-01-01", Date.builder(), -354285, "1000-01-01"),
        row("DATE 9999-12-31", Date.builder(), 2932896, "9999-12-31"),
        // DATETIME: epoch millis (precision 0-3) or micros (4-6), as if UTC
        row("DATETIME max (millis)", Timestamp.builder(), 253402300799999L, "9999-12-31 23:59:59.999000"),
        row("DATETIME 0001 (millis)", Timestamp.builder(), -62135596800000L, "0001-01-01 00:00:00.000000"),
        row("DATETIME(6) 1000-01-01", MicroTimestamp.builder(), -30610223999999999L,
            "1000-01-01 00:00:00.000001"),
        row("DATETIME(6) max", MicroTimestamp.builder(), 253402300799999999L, "9999-12-31 23:59:59.999999"),
        row("DATETIME(6) before epoch", MicroTimestamp.builder(), -1L, "1969-12-31 23:59:59.999999"),
        row("DATETIME nanos", NanoTimestamp.builder(), 1_999L, "1970-01-01 00:00:00.000001"),
        // TIMESTAMP: ISO-8601 in UTC; epoch second 0 is the zero TIMESTAMP
        row("TIMESTAMP(6) max", ZonedTimestamp.builder(), "2038-01-19T03:14:07.999999Z",
            "2038-01-19 03:14:07.999999"),
        row("TIMESTAMP min", ZonedTimestamp.builder(), "1970-01-01T00:00:01Z", "1970-01-01 00:00:01.000000"),
        row("TIMESTAMP zero (snapshot)", ZonedTimestamp.builder(), "1970-01-01T00:00:00Z",
            ColumnValues.ZERO_TIMESTAMP),
        row("TIMESTAMP(6) zero (binlog)", ZonedTimestamp.builder(), "1970-01-01T00:00:00.000000Z",
            ColumnValues.ZERO_TIMESTAMP),
        row("TIMESTAMP with an offset", ZonedTimestamp.builder(), "2026-03-29T08:00:00.5+05:30",
            "2026-03-29 02:30:00.500000"),
        // TIME: a signed duration up to 838 hours
        row("TIME(6) min", MicroTime.builder(), -3020399000000L, "-838:59:59.000000"),
        row("TIME max", MicroTime.builder(), 3020399000000L, "838:59:59.000000"),
        row("TIME(6) -1 us", MicroTime.builder(), -1L, "-00:00:00.000001"),
        row("TIME zero", MicroTime.builder(), 0L, "00:00:00.000000"),
        row("TIME millis", Time.builder(), -1, "-00:00:00.001000"),
        row("TIME nanos", NanoTime.builder(), 45_296_500_000_999L, "12:34:56.500000"),
        // BIT(n): little-endian from Debezium, big-endian for the server
        row("BIT(64)", Bits.builder(64), hex("feffffffffffffff"), ByteBuffer.wrap(hex("fffffffffffffffe"))),
        row("BIT(10)", Bits.builder(10), hex("0102"), ByteBuffer.wrap(hex("0201"))),
        // spatial: SRID little-endian, then WKB
        row("GEOMETRY SRID 0", Geometry.builder(),
            Geometry.createValue(Geometry.builder().build(), POINT_1_2, null),
            ByteBuffer.wrap(hex("00000000" + HexFormat.of().formatHex(POINT_1_2)))),
        row("GEOMETRY SRID 4326", Geometry.builder(),
            Geometry.createValue(Geometry.builder().build(), POINT_1_2, 4326),
            ByteBuffer.wrap(hex("e6100000" + HexFormat.of().formatHex(POINT_1_2)))),
        row("POINT SRID 3857", Point.builder(), Point.createValue(Point.builder().build(), POINT_1_2, 3857),
            ByteBuffer.wrap(hex("110f0000" + HexFormat.of().formatHex(POINT_1_2)))),
        // binary as bytes, whatever buffer they come in
        row("BLOB 0x00..0xff", SchemaBuilder.bytes(), allBytes(), ByteBuffer.wrap(allBytes())),
        row("VARBINARY in a buffer with a position", SchemaBuilder.bytes(),
            ByteBuffer.wrap(hex("09010203")).position(1), ByteBuffer.wrap(hex("010203"))),
        row("BINARY empty", SchemaBuilder.bytes(), new byte[0], ByteBuffer.wrap(new byte[0])),
        // text: 4-byte UTF-8, trailing spaces, ENUM, SET, JSON
        row("VARCHAR utf8mb4", SchemaBuilder.string(), "a\uD83D\uDE42  ", "a\uD83D\uDE42  "),
        row("ENUM", Enum.builder("a,b"), "b", "b"),
        row("SET empty", EnumSet.builder("x,y"), "", ""),
        row("JSON", Json.builder(), "{\"a\": [1, 2.5]}", "{\"a\": [1, 2.5]}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("conversions")
  void convertsToTheCanonicalValue(String name, Schema schema, Object debezium, Object expected) {
    assertThat(ColumnValues.value(schema, debezium)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("conversions")
  void nullStaysNullInEveryType(String name, Schema schema, Object debezium, Object expected) {
    assertThat(ColumnValues.value(schema, null)).isNull();
  }

  @Test
  void refusesATypeWithoutAnExactForm() {
    Schema other = SchemaBuilder.struct().name("io.debezium.data.Other")
        .field("v", Schema.INT32_SCHEMA).build();
    assertThatThrownBy(() -> ColumnValues.value(other, new Struct(other).put("v", 1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("io.debezium.data.Other");
    Schema array = SchemaBuilder.array(Schema.INT32_SCHEMA).build();
    assertThatThrownBy(() -> ColumnValues.value(array, java.util.List.of(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void columnsKeepTheRowsOrderAndItsNulls() {
    Schema schema = SchemaBuilder.struct().field("id", Schema.INT32_SCHEMA)
        .field("d", Date.builder().optional().build())
        .field("b", Bits.builder(16).optional().build()).build();
    Struct row = new Struct(schema).put("id", 7).put("d", null).put("b", hex("3412"));

    assertThat(ColumnValues.columns(row)).containsExactly(new Column("id", 7L),
        new Column("d", null), new Column("b", ByteBuffer.wrap(hex("1234"))));
    assertThat(ColumnValues.columns(null)).isNull();
  }

  private static Arguments row(String name, SchemaBuilder schema, Object debezium, Object expected) {
    return Arguments.of(name, schema.optional().build(), debezium, expected);
  }

  private static byte[] allBytes() {
    byte[] b = new byte[256];
    IntStream.range(0, 256).forEach(i -> b[i] = (byte) i);
    return b;
  }

  private static byte[] hex(String hex) {
    return HexFormat.of().parseHex(hex);
  }
}
