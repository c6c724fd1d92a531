package io.tidemark.capture.internal;

import io.debezium.spi.converter.CustomConverter;
import io.debezium.spi.converter.RelationalColumn;
import java.nio.charset.StandardCharsets;
import java.sql.Types;
import java.util.Locale;
import java.util.Properties;
import org.apache.kafka.connect.data.SchemaBuilder;

/**
 * Takes over the MariaDB types whose stock Debezium conversion changes the value, reading the
 * connector's raw value instead. Debezium instantiates it from {@link EngineProperties}; it is
 * the connector's only custom converter.
 *
 * <ul>
 *   <li>YEAR: Debezium maps 0000 to 1900 (binlog) or 2000 (snapshot); here it stays 0.
 *   <li>BOOLEAN, a TINYINT(1) that may hold -128..127: a table whose CREATE TABLE Debezium
 *       parsed from the binlog says BOOLEAN, and Debezium would turn every non-zero value into
 *       true; here the number stays.
 *   <li>JSON, text in MariaDB: a table created while streaming says JSON, and Debezium would
 *       parse the binlog's UTF-8 text as MySQL's binary JSON (text starting with a tab or a line
 *       break fails, and the rest is decoded in the JVM's default charset); here it is UTF-8.
 * </ul>
 *
 * <p>A value of an unexpected class is refused with an exception, which stops capture (the
 * engine runs with event.converting.failure.handling.mode=fail) rather than archive a guess.
 * Stateless and thread-safe.
 */
public final class ExactTypeConverter implements CustomConverter<SchemaBuilder, RelationalColumn> {
  /** The binlog carries YEAR as an offset from 1900, and 0000 as offset 0. */
  private static final int BINLOG_YEAR_ZERO = 1900;

  @Override
  public void configure(Properties props) {
    // nothing to configure
  }

  @Override
  public void converterFor(RelationalColumn column, ConverterRegistration<SchemaBuilder> registration) {
    String type = column.typeName() == null ? "" : column.typeName().toUpperCase(Locale.ROOT);
    if (type.equals("YEAR")) {
      registration.register(optional(SchemaBuilder.int32(), column), ExactTypeConverter::year);
    } else if (column.jdbcType() == Types.BOOLEAN || type.equals("BOOLEAN") || type.equals("BOOL")) {
      registration.register(optional(SchemaBuilder.int16(), column), ExactTypeConverter::tinyInt);
    } else if (type.equals("JSON")) {
      registration.register(optional(SchemaBuilder.string(), column), ExactTypeConverter::json);
    }
  }

  private static SchemaBuilder optional(SchemaBuilder schema, RelationalColumn column) {
    return column.isOptional() ? schema.optional() : schema;
  }

  static Object year(Object raw) {
    if (raw == null) {
      return null;
    }
    if (raw instanceof java.time.Year y) { // from the binlog
      return y.getValue() == BINLOG_YEAR_ZERO ? 0 : y.getValue();
    }
    if (raw instanceof Number n) { // from the snapshot (yearIsDateType=false) and defaults
      return n.intValue();
    }
    if (raw instanceof String s) { // a column default
      return Integer.parseInt(s.strip());
    }
    throw unexpected("YEAR", raw);
  }

  static Object tinyInt(Object raw) {
    if (raw == null) {
      return null;
    }
    if (raw instanceof Number n) {
      return n.shortValue();
    }
    if (raw instanceof Boolean b) { // a column default Debezium already parsed
      return (short) (b ? 1 : 0);
    }
    if (raw instanceof String s) {
      return Short.parseShort(s.strip());
    }
    throw unexpected("BOOLEAN", raw);
  }

  static Object json(Object raw) {
    if (raw == null || raw instanceof String) {
      return raw;
    }
    if (raw instanceof byte[] b) { // from the binlog: MariaDB's JSON is utf8mb4 text
      return new String(b, StandardCharsets.UTF_8);
    }
    throw unexpected("JSON", raw);
  }

  private static IllegalArgumentException unexpected(String type, Object raw) {
    return new IllegalArgumentException("a " + type + " value arrived as "
        + raw.getClass().getName() + "; capture stops rather than guess its value");
  }
}
