package io.tidemark.capture.internal;

import io.tidemark.schemas.avro.Column;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

/**
 * Converts Debezium's Connect values into the type-preserving column form of the event model:
 * integers as long, DECIMAL as exact text, temporal values as the text MariaDB parses back to the
 * same value (TIMESTAMP in UTC; restore sessions run with time_zone '+00:00'), binary as bytes.
 * This is the only place that knows Debezium's semantic type names.
 */
final class ColumnValues {
  private ColumnValues() {}

  private static final DateTimeFormatter DATETIME_MICROS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

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
    String name = schema.name();
    if (name != null) {
      switch (name) {
        case "io.debezium.time.Date":
          return LocalDate.ofEpochDay((Integer) v).toString();
        case "io.debezium.time.Timestamp":
          return micros(((Number) v).longValue() * 1000);
        case "io.debezium.time.MicroTimestamp":
          return micros((Long) v);
        case "io.debezium.time.ZonedTimestamp":
          return LocalDateTime.ofInstant(Instant.parse((String) v), ZoneOffset.UTC)
              .format(DATETIME_MICROS);
        case "io.debezium.time.Time":
          return time(((Number) v).longValue() * 1000);
        case "io.debezium.time.MicroTime":
          return time((Long) v);
        case "io.debezium.data.Bits":
          return ByteBuffer.wrap(reversed(bytes(v)));
        case "org.apache.kafka.connect.data.Decimal":
          return ((BigDecimal) v).toPlainString();
        default:
          break;
      }
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
        return v;
      case STRING:
        return v;
      case BYTES:
        return ByteBuffer.wrap(bytes(v));
      case STRUCT:
        // Spatial types: the well-known binary of the geometry.
        return ByteBuffer.wrap(bytes(((Struct) v).get("wkb")));
      default:
        throw new IllegalArgumentException("column type " + schema.type() + " ("
            + name + ") is not supported yet");
    }
  }

  private static String micros(long epochMicros) {
    return LocalDateTime.ofEpochSecond(Math.floorDiv(epochMicros, 1_000_000L),
        (int) Math.floorMod(epochMicros, 1_000_000L) * 1000, ZoneOffset.UTC).format(DATETIME_MICROS);
  }

  /** TIME is a duration in MariaDB: it may be negative and exceed 24 hours. */
  private static String time(long micros) {
    String sign = micros < 0 ? "-" : "";
    long m = Math.abs(micros);
    return String.format("%s%02d:%02d:%02d.%06d", sign, m / 3_600_000_000L,
        m / 60_000_000L % 60, m / 1_000_000L % 60, m % 1_000_000L);
  }

  private static byte[] bytes(Object v) {
    if (v instanceof ByteBuffer b) {
      byte[] out = new byte[b.remaining()];
      b.duplicate().get(out);
      return out;
    }
    return (byte[]) v;
  }

  /** Debezium sends BIT values little-endian; the server reads big-endian. */
  private static byte[] reversed(byte[] b) {
    byte[] out = new byte[b.length];
    for (int i = 0; i < b.length; i++) {
      out[i] = b[b.length - 1 - i];
    }
    return out;
  }
}
