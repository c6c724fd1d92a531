package io.tidemark.capture.internal;

import io.debezium.data.Bits;
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
import java.nio.ByteOrder;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

/**
 * Converts Debezium's Connect values into the canonical column values of the event model, each
 * of which MariaDB parses back into exactly the source value (restore runs with time_zone
 * '+00:00'):
 *
 * <ul>
 *   <li>integers of every width, YEAR and BOOLEAN: long; BIGINT UNSIGNED: decimal text;
 *   <li>FLOAT and DOUBLE: double (a FLOAT widens exactly);
 *   <li>DECIMAL: plain decimal text, all digits of the scale;
 *   <li>DATE 'yyyy-MM-dd'; DATETIME 'yyyy-MM-dd HH:mm:ss.SSSSSS'; TIMESTAMP the same in UTC, its
 *       zero value (epoch second 0, which no TIMESTAMP can hold) as '0000-00-00 00:00:00.000000';
 *       TIME '[-]HHH:mm:ss.SSSSSS', a duration that may be negative and exceed 24 hours;
 *   <li>BIT(1): boolean; BIT(n): bytes, big-endian as the server stores them;
 *   <li>spatial types: bytes in MariaDB's storage format, the SRID as 4 bytes little-endian
 *       followed by the WKB;
 *   <li>binary types: bytes; character types, ENUM, SET and JSON: text.
 * </ul>
 *
 * <p>This is the only place that knows Debezium's semantic type names. Stateless.
 */
final class ColumnValues {
  private ColumnValues() {}

  private static final DateTimeFormatter DATETIME_MICROS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS");
  static final String ZERO_TIMESTAMP = "0000-00-00 00:00:00.000000";
  private static final int SRID_BYTES = 4;

  /** Converters by Debezium's semantic schema name; anything else goes by its Connect type. */
  private static final Map<String, Function<Object, Object>> SEMANTIC = Map.ofEntries(
      Map.entry(Date.SCHEMA_NAME, v -> LocalDate.ofEpochDay(((Number) v).longValue()).toString()),
      Map.entry(Timestamp.SCHEMA_NAME, v -> dateTime(Math.multiplyExact(millis(v), 1000L))),
      Map.entry(MicroTimestamp.SCHEMA_NAME, v -> dateTime(((Number) v).longValue())),
      Map.entry(NanoTimestamp.SCHEMA_NAME, v -> dateTime(Math.floorDiv(((Number) v).longValue(), 1000L))),
      Map.entry(ZonedTimestamp.SCHEMA_NAME, v -> utcTimestamp((String) v)),
      Map.entry(Time.SCHEMA_NAME, v -> time(Math.multiplyExact(millis(v), 1000L))),
      Map.entry(MicroTime.SCHEMA_NAME, v -> time(((Number) v).longValue())),
      Map.entry(NanoTime.SCHEMA_NAME, v -> time(Math.floorDiv(((Number) v).longValue(), 1000L))),
      Map.entry(Bits.LOGICAL_NAME, v -> ByteBuffer.wrap(reversed(bytes(v)))),
      Map.entry(Decimal.LOGICAL_NAME, v -> ((BigDecimal) v).toPlainString()),
      Map.entry(Geometry.LOGICAL_NAME, v -> geometry((Struct) v)),
      Map.entry(Point.LOGICAL_NAME, v -> geometry((Struct) v)));

  static List<Column> columns(Struct row) {
    if (row == null) {
      return null;
    }
    List<Column> columns = new ArrayList<>(row.schema().fields().size());
    for (Field f : row.schema().fields()) {
      columns.add(new Column(f.name(), value(f.schema(), row.get(f))));
    }
    return columns;
  }

  static Object value(Schema schema, Object v) {
    if (v == null) {
      return null;
    }
    Function<Object, Object> semantic = schema.name() == null ? null : SEMANTIC.get(schema.name());
    if (semantic != null) {
      return semantic.apply(v);
    }
    switch (schema.type()) {
      case INT8:
      case INT16:
      case INT32:
      case INT64:
        return ((Number) v).longValue();
      case FLOAT32:
      case FLOAT64:
        return ((Number) v).doubleValue();
      case BOOLEAN:
      case STRING:
        return v;
      case BYTES:
        return ByteBuffer.wrap(bytes(v));
      default:
        throw new IllegalArgumentException("column type " + schema.type() + " (" + schema.name()
            + ") has no exact form in the event model yet");
    }
  }

  private static long millis(Object v) {
    return ((Number) v).longValue();
  }

  private static String dateTime(long epochMicros) {
    return LocalDateTime.ofEpochSecond(Math.floorDiv(epochMicros, 1_000_000L),
        (int) Math.floorMod(epochMicros, 1_000_000L) * 1000, ZoneOffset.UTC).format(DATETIME_MICROS);
  }

  /**
   * Debezium's ISO-8601 text of a TIMESTAMP, as UTC text. The zero TIMESTAMP reaches Debezium as
   * epoch second 0, an instant outside TIMESTAMP's range ('1970-01-01 00:00:01' UTC onwards).
   */
  private static String utcTimestamp(String iso) {
    Instant instant = OffsetDateTime.parse(iso).toInstant();
    if (instant.equals(Instant.EPOCH)) {
      return ZERO_TIMESTAMP;
    }
    return LocalDateTime.ofInstant(instant, ZoneOffset.UTC).format(DATETIME_MICROS);
  }

  /** TIME is a duration in MariaDB: it may be negative and exceed 24 hours. */
  private static String time(long micros) {
    String sign = micros < 0 ? "-" : "";
    long m = Math.abs(micros);
    return String.format("%s%02d:%02d:%02d.%06d", sign, m / 3_600_000_000L,
        m / 60_000_000L % 60, m / 1_000_000L % 60, m % 1_000_000L);
  }

  /** MariaDB's own storage format of a geometry: SRID (4 bytes, little-endian), then the WKB. */
  private static ByteBuffer geometry(Struct g) {
    byte[] wkb = bytes(g.get(Geometry.WKB_FIELD));
    Integer srid = g.getInt32(Geometry.SRID_FIELD); // Debezium's null means SRID 0
    ByteBuffer out = ByteBuffer.allocate(SRID_BYTES + wkb.length).order(ByteOrder.LITTLE_ENDIAN);
    out.putInt(srid == null ? 0 : srid).put(wkb);
    return out.flip();
  }

  private static byte[] bytes(Object v) {
    if (v instanceof ByteBuffer b) {
      byte[] out = new byte[b.remaining()];
      b.duplicate().get(out);
      return out;
    }
    return (byte[]) v;
  }

  /** Debezium sends BIT(n) values little-endian; the server stores and parses them big-endian. */
  private static byte[] reversed(byte[] b) {
    byte[] out = new byte[b.length];
    for (int i = 0; i < b.length; i++) {
      out[i] = b[b.length - 1 - i];
    }
    return out;
  }
}
