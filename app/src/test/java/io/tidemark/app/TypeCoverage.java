package io.tidemark.app;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The type-coverage table of {@link TypeRoundTripIT}: one column per MariaDB type, and for each
 * value set the SQL literal inserted at the source and the canonical value the change event must
 * carry (see ColumnValues in capture). TIMESTAMP literals are in the source's zone, +05:30.
 */
final class TypeCoverage {
  private TypeCoverage() {}

  static final String SMILE = "\uD83D\uDE42"; // 4 bytes in UTF-8
  static final int MEDIUMBLOB_MAX = (1 << 24) - 1;
  static final int SIXTEEN_MIB = 1 << 24;

  /** A SQL literal and the event value it must arrive as. */
  record Cell(String sql, Object event) {}

  /** A column with its type and its cells in the value sets MIN, MAX and MISC. */
  record TypeColumn(String name, String type, Cell min, Cell max, Cell misc) {}

  enum ValueSet { MIN, MAX, MISC, NULLS }

  static final List<TypeColumn> COLUMNS = List.of(
      col("ti", "TINYINT", c("-128", -128L), c("127", 127L), c("0", 0L)),
      col("tiu", "TINYINT UNSIGNED", c("0", 0L), c("255", 255L), c("1", 1L)),
      col("si", "SMALLINT", c("-32768", -32768L), c("32767", 32767L), c("-1", -1L)),
      col("siu", "SMALLINT UNSIGNED", c("0", 0L), c("65535", 65535L), c("1", 1L)),
      col("mi", "MEDIUMINT", c("-8388608", -8388608L), c("8388607", 8388607L), c("0", 0L)),
      col("miu", "MEDIUMINT UNSIGNED", c("0", 0L), c("16777215", 16777215L), c("1", 1L)),
      col("i", "INT", c("-2147483648", -2147483648L), c("2147483647", 2147483647L), c("0", 0L)),
      col("iu", "INT UNSIGNED", c("0", 0L), c("4294967295", 4294967295L), c("1", 1L)),
      col("bi", "BIGINT", c("-9223372036854775808", Long.MIN_VALUE),
          c("9223372036854775807", Long.MAX_VALUE), c("0", 0L)),
      col("biu", "BIGINT UNSIGNED", c("0", "0"), c("18446744073709551615", "18446744073709551615"),
          c("9223372036854775808", "9223372036854775808")),
      col("bo", "BOOLEAN", c("-128", -128L), c("127", 127L), c("TRUE", 1L)),
      // FLOAT with at most 6 significant digits: the snapshot reads FLOAT as the server's text
      col("f", "FLOAT", c("-3.40282e38", (double) -3.40282e38f), c("3.40282e38", (double) 3.40282e38f),
          c("1.17549e-38", (double) 1.17549e-38f)),
      col("d", "DOUBLE", c("-1.7976931348623157e308", -Double.MAX_VALUE),
          c("1.7976931348623157e308", Double.MAX_VALUE), c("4.9e-324", Double.MIN_VALUE)),
      col("dc", "DECIMAL(65,30)", dec("-" + "9".repeat(35) + "." + "9".repeat(30)),
          dec("9".repeat(35) + "." + "9".repeat(30)), dec("0." + "0".repeat(30))),
      col("dsm", "DECIMAL(20,10)", dec("-0.0000000001"), dec("9999999999.9999999999"),
          dec("-1.5000000000")),
      col("dt", "DATE", c("'1000-01-01'", "1000-01-01"), c("'9999-12-31'", "9999-12-31"),
          c("'0001-01-01'", "0001-01-01")),
      col("dtm", "DATETIME(6)", c("'1000-01-01 00:00:00.000000'", "1000-01-01 00:00:00.000000"),
          c("'9999-12-31 23:59:59.999999'", "9999-12-31 23:59:59.999999"),
          c("'0099-12-31 23:59:59.000001'", "0099-12-31 23:59:59.000001")),
      col("dt0", "DATETIME", c("'1000-01-01 00:00:00'", "1000-01-01 00:00:00.000000"),
          c("'9999-12-31 23:59:59'", "9999-12-31 23:59:59.000000"),
          c("'1970-01-01 00:00:00'", "1970-01-01 00:00:00.000000")),
      col("ts", "TIMESTAMP(6) NULL", c("'1970-01-01 05:30:01.000000'", "1970-01-01 00:00:01.000000"),
          c("'2038-01-19 08:44:07.999999'", "2038-01-19 03:14:07.999999"),
          c("'2026-03-29 02:30:00.000001'", "2026-03-28 21:00:00.000001")),
      col("ts0", "TIMESTAMP NULL", c("'2000-01-01 00:00:00'", "1999-12-31 18:30:00.000000"),
          c("'2038-01-19 08:44:07'", "2038-01-19 03:14:07.000000"),
          c("'2026-10-25 02:30:00'", "2026-10-24 21:00:00.000000")),
      // scales 1-5: the driver's getString prints a DATETIME(3) .001 as ".1000"
      col("dtm3", "DATETIME(3)", c("'1000-01-01 00:00:00.000'", "1000-01-01 00:00:00.000000"),
          c("'9999-12-31 23:59:59.999'", "9999-12-31 23:59:59.999000"),
          c("'2020-01-01 00:00:00.001'", "2020-01-01 00:00:00.001000")),
      col("ts3", "TIMESTAMP(3) NULL", c("'1970-01-01 05:30:01.000'", "1970-01-01 00:00:01.000000"),
          c("'2038-01-19 08:44:07.999'", "2038-01-19 03:14:07.999000"),
          c("'2020-01-01 05:30:00.012'", "2020-01-01 00:00:00.012000")),
      col("tm3", "TIME(3)", c("'-838:59:59.000'", "-838:59:59.000000"),
          c("'838:59:59.000'", "838:59:59.000000"), c("'00:00:00.001'", "00:00:00.001000")),
      col("tm", "TIME(6)", c("'-838:59:59.000000'", "-838:59:59.000000"),
          c("'838:59:59.000000'", "838:59:59.000000"), c("'-00:00:00.000001'", "-00:00:00.000001")),
      col("tm0", "TIME", c("'-838:59:59'", "-838:59:59.000000"), c("'838:59:59'", "838:59:59.000000"),
          c("'24:00:00'", "24:00:00.000000")),
      col("y", "YEAR", c("'0000'", 0L), c("2155", 2155L), c("1901", 1901L)),
      col("b1", "BIT(1)", c("b'0'", false), c("b'1'", true), c("b'1'", true)),
      col("b64", "BIT(64)", c("b'0'", bytes("0000000000000000")), c("b'" + "1".repeat(64) + "'",
          bytes("ffffffffffffffff")), c("b'1" + "0".repeat(62) + "1'", bytes("8000000000000001"))),
      col("b10", "BIT(10)", c("b'0'", bytes("0000")), c("b'1111111111'", bytes("03ff")),
          c("b'1000000001'", bytes("0201"))),
      col("e", "ENUM('a','\u00fc','\u20acx')", c("'a'", "a"), c("'\u20acx'", "\u20acx"),
          c("'\u00fc'", "\u00fc")),
      col("st", "SET('x','y','z')", c("''", ""), c("'x,y,z'", "x,y,z"), c("'z,x'", "x,z")),
      col("j", "JSON", c("'[]'", "[]"), c("'{\"a\": [1, 2.5, \"" + SMILE + "\"], \"b\": null}'",
          "{\"a\": [1, 2.5, \"" + SMILE + "\"], \"b\": null}"), c("'\\n\\t\"s\"'", "\n\t\"s\"")),
      col("g", "GEOMETRY", geo(0, Wkb.point(0, 0)),
          geo(4326, Wkb.collection(Wkb.point(1, 1), Wkb.lineString(0, 0, 1, 1))),
          geo(3857, Wkb.polygon(new double[] {0, 0, 10, 0, 10, 10, 0, 10, 0, 0},
              new double[] {1, 1, 2, 1, 2, 2, 1, 1}))),
      col("gp", "POINT", geo(0, Wkb.point(0, 0)), geo(4326, Wkb.point(-1.5, 2e300)),
          geo(3857, Wkb.point(-0.0, Double.MIN_VALUE))),
      col("gl", "LINESTRING", geo(0, Wkb.lineString(0, 0, 1, 1)),
          geo(4326, Wkb.lineString(0, 0, 1, 1, 2, 0, -1e10, 1e-10)), geo(0, Wkb.lineString(5, 5, 6, 6))),
      col("gpg", "POLYGON", geo(0, Wkb.polygon(new double[] {0, 0, 1, 0, 1, 1, 0, 0})),
          geo(4326, Wkb.polygon(new double[] {0, 0, 10, 0, 10, 10, 0, 10, 0, 0},
              new double[] {1, 1, 2, 1, 2, 2, 1, 1})),
          geo(0, Wkb.polygon(new double[] {0, 0, 3, 0, 0, 3, 0, 0}))),
      col("bn", "BINARY(4)", c("x''", bytes("00000000")), c("x'ffffffff'", bytes("ffffffff")),
          c("x'00ff'", bytes("00ff0000"))),
      col("vb", "VARBINARY(300)", c("x''", bytes("")), c(hexLiteral(allBytes()), ByteBuffer.wrap(allBytes())),
          c("x'00'", bytes("00"))),
      col("bl", "BLOB", c("x''", bytes("")), c(hexLiteral(allBytes()), ByteBuffer.wrap(allBytes())),
          c("x'ff00'", bytes("ff00"))),
      col("mb", "MEDIUMBLOB", c("x''", bytes("")), c("x'ff'", bytes("ff")), c("x'00'", bytes("00"))),
      col("lb", "LONGBLOB", c("x''", bytes("")), c("x'00ff'", bytes("00ff")), c("x'7f'", bytes("7f"))),
      col("ch", "CHAR(10)", c("''", ""), c("'\u00fc" + SMILE + "\u20acx'", "\u00fc" + SMILE + "\u20acx"),
          c("'abc  '", "abc")),
      col("vc", "VARCHAR(100)", c("''", ""), c("'" + SMILE.repeat(100) + "'", SMILE.repeat(100)),
          c("'a" + SMILE + "  '", "a" + SMILE + "  ")),
      col("tx", "TEXT", c("''", ""), c("'\u00fc" + SMILE + "\u20ac quote''s \"x\" \\\\ back'",
          "\u00fc" + SMILE + "\u20ac quote's \"x\" \\ back"), c("' \\r\\n'", " \r\n")));

  static String createTable(String db) {
    return "CREATE TABLE " + db + ".types (id INT PRIMARY KEY, "
        + COLUMNS.stream().map(c -> c.name() + " " + c.type()).collect(Collectors.joining(", "))
        + ") CHARACTER SET utf8mb4";
  }

  static String insert(String db, int id, ValueSet set) {
    return "INSERT INTO " + db + ".types (id, " + names() + ") VALUES (" + id + ", "
        + COLUMNS.stream().map(c -> cell(c, set).sql()).collect(Collectors.joining(", ")) + ")";
  }

  static String update(String db, int id, ValueSet set) {
    return "UPDATE " + db + ".types SET " + COLUMNS.stream()
        .map(c -> c.name() + " = " + cell(c, set).sql()).collect(Collectors.joining(", "))
        + " WHERE id = " + id;
  }

  /** The row with every column NULL but two 16 MiB blobs, to insert with the blobs bound. */
  static String insertBig(String db, int id) {
    return "INSERT INTO " + db + ".types (id, mb, lb) VALUES (" + id + ", ?, ?)";
  }

  /** The canonical event values of a value set, by column name, id included. */
  static Map<String, Object> expected(int id, ValueSet set) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", (long) id);
    COLUMNS.forEach(c -> row.put(c.name(), cell(c, set).event()));
    return row;
  }

  static String names() {
    return COLUMNS.stream().map(TypeColumn::name).collect(Collectors.joining(", "));
  }

  private static Cell cell(TypeColumn c, ValueSet set) {
    return switch (set) {
      case MIN -> c.min();
      case MAX -> c.max();
      case MISC -> c.misc();
      case NULLS -> new Cell("NULL", null);
    };
  }

  static byte[] allBytes() {
    byte[] b = new byte[256];
    IntStream.range(0, 256).forEach(i -> b[i] = (byte) i);
    return b;
  }

  private static TypeColumn col(String name, String type, Cell min, Cell max, Cell misc) {
    return new TypeColumn(name, type, min, max, misc);
  }

  private static Cell c(String sql, Object event) {
    return new Cell(sql, event);
  }

  private static Cell dec(String value) {
    return new Cell(value, value);
  }

  private static ByteBuffer bytes(String hex) {
    return ByteBuffer.wrap(HexFormat.of().parseHex(hex));
  }

  private static String hexLiteral(byte[] b) {
    return "x'" + HexFormat.of().formatHex(b) + "'";
  }

  /** A geometry given as WKB and SRID; the event carries MariaDB's storage form. */
  private static Cell geo(int srid, byte[] wkb) {
    ByteBuffer stored = ByteBuffer.allocate(4 + wkb.length).order(ByteOrder.LITTLE_ENDIAN)
        .putInt(srid).put(wkb).flip();
    return new Cell("ST_GeomFromWKB(" + hexLiteral(wkb) + ", " + srid + ")", stored);
  }

  /** Little-endian well-known binary of the few shapes the table uses. */
  static final class Wkb {
    private Wkb() {}

    static byte[] point(double x, double y) {
      return buffer(21).put((byte) 1).putInt(1).putDouble(x).putDouble(y).array();
    }

    static byte[] lineString(double... xy) {
      ByteBuffer b = buffer(9 + 8 * xy.length).put((byte) 1).putInt(2).putInt(xy.length / 2);
      for (double v : xy) {
        b.putDouble(v);
      }
      return b.array();
    }

    static byte[] polygon(double[]... rings) {
      int size = 9 + java.util.Arrays.stream(rings).mapToInt(r -> 4 + 8 * r.length).sum();
      ByteBuffer b = buffer(size).put((byte) 1).putInt(3).putInt(rings.length);
      for (double[] ring : rings) {
        b.putInt(ring.length / 2);
        for (double v : ring) {
          b.putDouble(v);
        }
      }
      return b.array();
    }

    static byte[] collection(byte[]... members) {
      int size = 9 + java.util.Arrays.stream(members).mapToInt(m -> m.length).sum();
      ByteBuffer b = buffer(size).put((byte) 1).putInt(7).putInt(members.length);
      for (byte[] m : members) {
        b.put(m);
      }
      return b.array();
    }

    private static ByteBuffer buffer(int size) {
      return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }
  }
}
