package io.tidemark.capture.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Year;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Raw values as the connector reads them (binlog, snapshot, column defaults). */
class ExactTypeConverterTest {
  static Stream<Arguments> conversions() {
    Function<Object, Object> year = ExactTypeConverter::year;
    Function<Object, Object> tinyInt = ExactTypeConverter::tinyInt;
    Function<Object, Object> json = ExactTypeConverter::json;
    return Stream.of(
        Arguments.of("YEAR 0000 from the binlog", year, Year.of(1900), 0),
        Arguments.of("YEAR 1901 from the binlog", year, Year.of(1901), 1901),
        Arguments.of("YEAR 2155 from the binlog", year, Year.of(2155), 2155),
        Arguments.of("YEAR 0000 from the snapshot", year, (short) 0, 0),
        Arguments.of("YEAR 2000 from the snapshot", year, (short) 2000, 2000),
        Arguments.of("YEAR default", year, "2155", 2155),
        Arguments.of("YEAR NULL", year, null, null),
        Arguments.of("BOOLEAN -128 from the binlog", tinyInt, -128, (short) -128),
        Arguments.of("BOOLEAN 2 from the binlog", tinyInt, 2, (short) 2),
        Arguments.of("BOOLEAN default true", tinyInt, true, (short) 1),
        Arguments.of("BOOLEAN default '0'", tinyInt, "0", (short) 0),
        Arguments.of("BOOLEAN NULL", tinyInt, null, null),
        Arguments.of("JSON from the binlog, leading line break, 4-byte UTF-8", json,
            "\n{\"k\": \"\uD83D\uDE42\"}".getBytes(StandardCharsets.UTF_8), "\n{\"k\": \"\uD83D\uDE42\"}"),
        Arguments.of("JSON from the binlog, leading tab", json,
            "\t[]".getBytes(StandardCharsets.UTF_8), "\t[]"),
        Arguments.of("JSON from the snapshot", json, "\"s\"", "\"s\""),
        Arguments.of("JSON NULL", json, null, null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("conversions")
  void keepsTheSourceValue(String name, Function<Object, Object> converter, Object raw, Object expected) {
    assertThat(converter.apply(raw)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("conversions")
  void refusesAValueOfAnUnexpectedClass(String name, Function<Object, Object> converter,
      Object raw, Object expected) {
    assertThatThrownBy(() -> converter.apply(new Object()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("capture stops");
  }
}
