package io.tidemark.app;

import io.tidemark.restore.BundleCatalog;
import io.tidemark.schemas.BundleContent;
import io.tidemark.schemas.BundleReader;
import io.tidemark.schemas.avro.ChangeEvent;
import io.tidemark.schemas.avro.Column;
import io.tidemark.schemas.avro.Operation;
import io.tidemark.testkit.MariaDbServer;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Reads what a repository holds and what a server holds, in comparable form: row images of the
 * archived change events, and rows as exact text (HEX, or the length and SHA-256 of blobs,
 * floating point through DOUBLE, TIMESTAMP in UTC).
 */
final class ArchivedRows {
  private ArchivedRows() {}

  /** The row event a test expects: table, operation and images by column name. */
  record Expected(String table, Operation operation, Map<String, Object> before,
      Map<String, Object> after) {
    static Expected row(String table, Operation operation, Map<String, Object> after) {
      return new Expected(table, operation, null, after);
    }

    static Expected update(String table, Map<String, Object> before, Map<String, Object> after) {
      return new Expected(table, Operation.UPDATE, before, after);
    }

    String id() {
      return table + "#" + after.get("id") + " " + operation;
    }
  }

  /**
   * Every difference between the row events of {@code db} in the bucket and {@code expected}:
   * a missing or extra event, or a column whose value differs, one line each.
   */
  static List<String> mismatches(S3Client s3, String bucket, String db, List<Expected> expected)
      throws Exception {
    Map<String, ChangeEvent> events = new HashMap<>();
    List<String> problems = new ArrayList<>();
    for (ChangeEvent e : events(s3, bucket)) {
      if (db.equals(e.getDatabase()) && e.getOperation() != Operation.DDL) {
        String id = e.getTable() + "#" + image(e.getAfter() != null ? e.getAfter() : e.getBefore())
            .get("id") + " " + e.getOperation();
        if (events.put(id, e) != null) {
          problems.add(id + ": more than one event");
        }
      }
    }
    for (Expected x : expected) {
      ChangeEvent e = events.remove(x.id());
      if (e == null) {
        problems.add(x.id() + ": no event");
        continue;
      }
      compare(x.id() + " after.", x.after(), image(e.getAfter()), problems);
      if (x.before() != null) {
        compare(x.id() + " before.", x.before(), image(e.getBefore()), problems);
      }
    }
    events.keySet().forEach(id -> problems.add(id + ": not expected"));
    return problems;
  }

  private static void compare(String where, Map<String, Object> expected, Map<String, Object> actual,
      List<String> problems) {
    if (!expected.keySet().equals(actual.keySet())) {
      problems.add(where + " columns " + actual.keySet() + " instead of " + expected.keySet());
    }
    expected.forEach((column, value) -> {
      Object want = comparable(value);
      Object got = actual.get(column);
      if (!Objects.equals(want, got)) {
        problems.add(where + column + " = " + describe(got) + " instead of " + describe(want));
      }
    });
  }

  private static Map<String, Object> image(List<Column> columns) {
    Map<String, Object> image = new LinkedHashMap<>();
    if (columns != null) {
      columns.forEach(c -> image.put(c.getName(), comparable(c.getValue())));
    }
    return image;
  }

  /** Avro's text as String; bytes as hex, or length and SHA-256 when large. */
  private static Object comparable(Object v) {
    if (v instanceof CharSequence s) {
      return s.toString();
    }
    if (v instanceof ByteBuffer b) {
      byte[] bytes = new byte[b.remaining()];
      b.duplicate().get(bytes);
      return bytes.length <= 1024 ? "0x" + HexFormat.of().formatHex(bytes)
          : bytes.length + " bytes, sha256 " + HexFormat.of().formatHex(sha256(bytes));
    }
    return v;
  }

  private static String describe(Object v) {
    return v == null ? "null" : v + " (" + v.getClass().getSimpleName() + ")";
  }

  private static List<ChangeEvent> events(S3Client s3, String bucket) throws Exception {
    List<ChangeEvent> events = new ArrayList<>();
    for (List<String> keys : BundleCatalog.read(s3, bucket, "repo").bundlesByPartition().values()) {
      for (String key : keys) {
        try (BundleReader<ChangeEvent> r = new BundleReader<>(BundleContent.CHANGES,
            s3.getObject(b -> b.bucket(bucket).key(key)), key)) {
          r.forEachRemaining(events::add);
        }
      }
    }
    return events;
  }

  /** The rows of {@code db.table} ordered by id, each column as exact text, NULL as null. */
  static List<String> rows(MariaDbServer server, String db, String table) throws Exception {
    try (Connection c = server.connection(); Statement s = c.createStatement()) {
      return query(server, "SELECT " + String.join(", ", exactText(s, db, table)) + " FROM `" + db
          + "`.`" + table + "` ORDER BY id");
    }
  }

  /** The rows of a query, columns as the server's text joined by " | ", TIMESTAMP in UTC. */
  static List<String> query(MariaDbServer server, String select) throws Exception {
    List<String> rows = new ArrayList<>();
    try (Connection c = server.connection(); Statement s = c.createStatement()) {
      s.execute("SET time_zone = '+00:00'");
      try (ResultSet r = s.executeQuery(select)) {
        int n = r.getMetaData().getColumnCount();
        while (r.next()) {
          StringBuilder row = new StringBuilder();
          for (int i = 1; i <= n; i++) {
            row.append(i > 1 ? " | " : "").append(r.getString(i));
          }
          rows.add(row.toString());
        }
      }
    }
    return rows;
  }

  private static List<String> exactText(Statement s, String db, String table) throws Exception {
    List<String> expressions = new ArrayList<>();
    try (ResultSet r = s.executeQuery("SELECT column_name, data_type FROM information_schema.columns"
        + " WHERE table_schema = '" + db + "' AND table_name = '" + table + "' ORDER BY ordinal_position")) {
      while (r.next()) {
        String c = "`" + r.getString(1) + "`";
        expressions.add(switch (r.getString(2).toLowerCase()) {
          case "float", "double" -> "CONCAT('" + c + "=', CAST(CAST(" + c + " AS DOUBLE) AS CHAR))";
          // HEX() of a temporal value reads it as a number and drops the fraction
          case "decimal", "datetime", "timestamp", "time" ->
              "CONCAT('" + c + "=', CAST(" + c + " AS CHAR))";
          case "tinyblob", "blob", "mediumblob", "longblob" ->
              "CONCAT('" + c + "=', LENGTH(" + c + "), ':', SHA2(" + c + ", 256))";
          default -> "CONCAT('" + c + "=', HEX(" + c + "))";
        });
      }
    }
    return expressions;
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
