package io.tidemark.app;

import static io.tidemark.app.TypeCoverage.SMILE;
import static io.tidemark.app.TypeCoverage.ValueSet.MAX;
import static io.tidemark.app.TypeCoverage.ValueSet.MIN;
import static io.tidemark.app.TypeCoverage.ValueSet.MISC;
import static io.tidemark.app.TypeCoverage.ValueSet.NULLS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidemark.app.ArchivedRows.Expected;
import io.tidemark.capture.CaptureSettings;
import io.tidemark.capture.SnapshotSettings;
import io.tidemark.schemas.TopicNames;
import io.tidemark.schemas.avro.Operation;
import io.tidemark.sinks.FlushPolicy;
import io.tidemark.sinks.SinkSettings;
import io.tidemark.testkit.MariaDbServer;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every column type travels source → Avro change event → S3 → a fresh server unchanged: each
 * event value equals its canonical value ({@link TypeCoverage}), and the restored tables equal
 * the source column by column and by CHECKSUM TABLE. Rows come from the snapshot and from the
 * binlog (inserts and updates), the source runs at +05:30, and two rows carry 16 MiB values.
 */
class TypeRoundTripIT {
  private static final long PACKET = 64L << 20;
  private static final Duration ARCHIVE_TIMEOUT = Duration.ofMinutes(3);
  @RegisterExtension
  static final ArchiveServices services =
      ArchiveServices.withCredentials("types-key", "types-secret").source(1).timeZone("+05:30")
          .maxAllowedPacket(PACKET);

  @Test
  void everyTypeArrivesInTheEventsAndInTheRestoredRowsExactly() throws Exception {
    String db = services.source().createDatabase("types");
    byte[][] big = {random(TypeCoverage.MEDIUMBLOB_MAX, 1), random(TypeCoverage.SIXTEEN_MIB, 2)};
    services.source().execute(TypeCoverage.createTable(db), TypeCoverage.insert(db, 1, MIN),
        TypeCoverage.insert(db, 2, MAX), TypeCoverage.insert(db, 3, MISC),
        TypeCoverage.insert(db, 4, NULLS));
    insertBig(db, 5, big);

    String bucket = archive(db, () -> {
      services.source().execute(TypeCoverage.insert(db, 11, MIN), TypeCoverage.insert(db, 12, MAX),
          TypeCoverage.insert(db, 13, MISC), TypeCoverage.insert(db, 14, NULLS),
          TypeCoverage.update(db, 1, MAX), TypeCoverage.update(db, 3, NULLS),
          TypeCoverage.update(db, 4, MISC),
          "UPDATE " + db + ".types SET f = 3.4028234663852886e38 WHERE id = 11",
          "UPDATE " + db + ".types SET f = 1.401298464324817e-45 WHERE id = 12",
          "UPDATE " + db + ".types SET mb = NULL WHERE id = 5");
      insertBig(db, 15, big);
      createLateTable(db);
    });

    assertThat(ArchivedRows.mismatches(services.s3(), bucket, db, expectedEvents(big))).isEmpty();
    try (MariaDbServer defaultPacket = MariaDbServer.builder().serverId(3).start()) {
      String limit = defaultPacket.queryValue("SELECT @@max_allowed_packet");
      assertThatThrownBy(() -> services.restore(bucket, defaultPacket))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("max_allowed_packet is " + limit);
    }
    for (boolean insertsOnly : new boolean[] {false, true}) { // LOAD DATA, then the INSERT path
      try (MariaDbServer target = freshTarget()) {
        services.restore(bucket, target, s -> insertsOnly ? s.withInsertsOnly() : s);
        for (String table : List.of("types", "late")) {
          assertThat(ArchivedRows.rows(target, db, table)).as("inserts only: %s", insertsOnly)
              .hasSize(table.equals("types") ? 10 : 3)
              .containsExactlyElementsOf(ArchivedRows.rows(services.source(), db, table));
        }
        services.assertSameChecksums(target, db);
      }
    }
  }

  /**
   * Pins what Debezium 3.5's MariaDB connector cannot carry from the binlog, so a change in it
   * shows: a DATE or DATETIME with a zero part arrives as NULL (or, NOT NULL, as the epoch).
   * Tidemark's own snapshot reads the same rows exactly, FLOAT to the last bit included.
   */
  @Test
  void debeziumTurnsZeroDatesIntoNullAndReadsSnapshotFloatsAsSixDigits() throws Exception {
    String db = services.source().createDatabase("limits");
    String zeros = "'0000-00-00', '0000-00-00 00:00:00', '0000-00-00 00:00:00', '0000-00-00 00:00:00',"
        + " '2020-00-00', '0000-00-00'";
    services.source().execute("SET SESSION sql_mode = 'STRICT_ALL_TABLES'",
        "CREATE TABLE " + db + ".zero_dates (id INT PRIMARY KEY, d DATE NULL, dtm DATETIME(6) NULL,"
            + " ts TIMESTAMP(6) NULL, tsz TIMESTAMP NOT NULL DEFAULT '0000-00-00 00:00:00',"
            + " dp DATE NULL, dn DATE NOT NULL)",
        "INSERT INTO " + db + ".zero_dates VALUES (1, " + zeros + ")",
        "CREATE TABLE " + db + ".floats (id INT PRIMARY KEY, f FLOAT)",
        "INSERT INTO " + db + ".floats VALUES (1, 3.4028234663852886e38)");
    String bucket = archive(db, () -> services.source().execute("SET SESSION sql_mode = 'STRICT_ALL_TABLES'",
        "INSERT INTO " + db + ".zero_dates VALUES (2, " + zeros + ")",
        "INSERT INTO " + db + ".floats VALUES (2, 3.4028234663852886e38)"));

    assertThat(ArchivedRows.mismatches(services.s3(), bucket, db, List.of(
        Expected.row("zero_dates", Operation.INSERT, zeroDates(2, "0000-00-00 00:00:00.000000")),
        Expected.row("floats", Operation.INSERT, Map.of("id", 2L, "f", (double) Float.MAX_VALUE)))))
        .isEmpty();
    try (MariaDbServer target = freshTarget()) {
      services.restore(bucket, target);
      assertThat(ArchivedRows.query(target, "SELECT id, CAST(d AS CHAR), CAST(dtm AS CHAR),"
          + " CAST(ts AS CHAR), CAST(tsz AS CHAR), CAST(dp AS CHAR), CAST(dn AS CHAR) FROM "
          + db + ".zero_dates ORDER BY id")).containsExactly(
          // row 1 comes from Tidemark's own snapshot, which reads zero dates as they are
          "1 | 0000-00-00 | 0000-00-00 00:00:00.000000 | 0000-00-00 00:00:00.000000"
              + " | 0000-00-00 00:00:00 | 2020-00-00 | 0000-00-00",
          "2 | null | null | 0000-00-00 00:00:00.000000 | 0000-00-00 00:00:00 | null | 1970-01-01");
      assertThat(floats(target, db)).containsExactly((double) Float.MAX_VALUE, (double) Float.MAX_VALUE);
    }
  }

  private static List<Double> floats(MariaDbServer server, String db) throws Exception {
    List<Double> floats = new ArrayList<>();
    try (Connection c = server.connection(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT CAST(f AS DOUBLE) FROM " + db + ".floats ORDER BY id")) {
      while (r.next()) {
        floats.add(r.getDouble(1));
      }
    }
    return floats;
  }

  private static Map<String, Object> zeroDates(int id, String ts) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", (long) id);
    row.put("d", null);
    row.put("dtm", null);
    row.put("ts", ts);
    row.put("tsz", "0000-00-00 00:00:00.000000");
    row.put("dp", null);
    row.put("dn", "1970-01-01");
    return row;
  }

  /**
   * A table created while capture streams: Debezium builds its schema from the binlog's CREATE
   * TABLE, where BOOLEAN, JSON and 4-byte ENUM labels keep their declared types.
   */
  private static void createLateTable(String db) {
    services.source().execute("CREATE TABLE " + db + ".late (id INT PRIMARY KEY, bo BOOLEAN, y YEAR, j JSON,"
            + " e ENUM('" + SMILE + "','b'), st SET('" + SMILE + "','x')) CHARACTER SET utf8mb4",
        "INSERT INTO " + db + ".late VALUES (1, -128, '0000', '\\n[1]', '" + SMILE + "', '" + SMILE
            + ",x'), (2, 127, 2155, '{\"k\": \"\u00fc" + SMILE + "\"}', 'b', ''),"
            + " (3, NULL, NULL, NULL, NULL, NULL)",
        "UPDATE " + db + ".late SET bo = 2, j = '\\t[]' WHERE id = 2");
  }

  private static List<Expected> expectedEvents(byte[][] big) {
    List<Expected> e = new ArrayList<>();
    int id = 1;
    for (TypeCoverage.ValueSet set : List.of(MIN, MAX, MISC, NULLS)) {
      e.add(Expected.row("types", Operation.INSERT, TypeCoverage.expected(10 + id++, set)));
    }
    e.add(Expected.row("types", Operation.INSERT, bigRow(15, big)));
    e.add(Expected.update("types", TypeCoverage.expected(1, MIN), TypeCoverage.expected(1, MAX)));
    e.add(Expected.update("types", TypeCoverage.expected(3, MISC), TypeCoverage.expected(3, NULLS)));
    e.add(Expected.update("types", TypeCoverage.expected(4, NULLS), TypeCoverage.expected(4, MISC)));
    e.add(Expected.update("types", TypeCoverage.expected(11, MIN),
        with(TypeCoverage.expected(11, MIN), "f", (double) Float.MAX_VALUE)));
    e.add(Expected.update("types", TypeCoverage.expected(12, MAX),
        with(TypeCoverage.expected(12, MAX), "f", (double) Float.MIN_VALUE)));
    e.add(Expected.update("types", bigRow(5, big), with(bigRow(5, big), "mb", null)));
    Map<String, Object> late2 = late(2, 127L, 2155L, "{\"k\": \"\u00fc" + SMILE + "\"}", "b", "");
    e.add(Expected.row("late", Operation.INSERT, late(1, -128L, 0L, "\n[1]", SMILE, SMILE + ",x")));
    e.add(Expected.row("late", Operation.INSERT, late2));
    e.add(Expected.row("late", Operation.INSERT, late(3, null, null, null, null, null)));
    e.add(Expected.update("late", late2, with(with(late2, "bo", 2L), "j", "\t[]")));
    return e;
  }

  private static Map<String, Object> bigRow(int id, byte[][] big) {
    Map<String, Object> row = TypeCoverage.expected(id, NULLS);
    row.put("mb", ByteBuffer.wrap(big[0]));
    row.put("lb", ByteBuffer.wrap(big[1]));
    return row;
  }

  private static Map<String, Object> late(int id, Long bo, Long y, String j, String e, String st) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", (long) id);
    row.put("bo", bo);
    row.put("y", y);
    row.put("j", j);
    row.put("e", e);
    row.put("st", st);
    return row;
  }

  private static Map<String, Object> with(Map<String, Object> row, String column, Object value) {
    Map<String, Object> changed = new LinkedHashMap<>(row);
    changed.put(column, value);
    return changed;
  }

  /** Runs the pipeline over {@code db}: the snapshot, then {@code streamed}; returns the bucket. */
  private static String archive(String db, ThrowingRunnable streamed) throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String bucket = "types-" + suffix;
    services.s3Server().createBucket(bucket);
    services.source().createCaptureUser("tm_" + suffix, ArchiveServices.CAPTURE_PASSWORD);
    TopicNames topics = new TopicNames("types" + suffix);
    CaptureSettings capture = services.capture(topics, "tm_" + suffix, 5402, db, 3);
    SinkSettings sink = services.sink(topics, bucket)
        .withFlush(new FlushPolicy(10_000, 64L << 20, Duration.ofMillis(500)));
    Path spool = Files.createTempDirectory("types-spool");
    try (Pipeline pipeline = Pipeline.start(capture, SnapshotSettings.DEFAULT, sink,
        services.s3(), spool, 1L << 30)) {
      pipeline.snapshotNow(ARCHIVE_TIMEOUT);
      streamed.run();
      try (Connection c = services.source().connection()) {
        pipeline.awaitArchived(Pipeline.sourceGtids(c), ARCHIVE_TIMEOUT);
      }
    }
    return bucket;
  }

  private static void insertBig(String db, int id, byte[][] big) throws Exception {
    try (Connection c = services.source().connection();
        PreparedStatement ps = c.prepareStatement(TypeCoverage.insertBig(db, id))) {
      ps.setBytes(1, big[0]);
      ps.setBytes(2, big[1]);
      ps.executeUpdate();
    }
  }

  private static MariaDbServer freshTarget() {
    return MariaDbServer.builder().serverId(2).maxAllowedPacket(PACKET).start();
  }

  /** Incompressible bytes covering 0x00..0xff, so Kafka and S3 carry their full size. */
  private static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  @FunctionalInterface
  private interface ThrowingRunnable {
    void run() throws Exception;
  }
}
