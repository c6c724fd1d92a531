package io.tidemark.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tidemark.capture.CaptureSettings;
import io.tidemark.capture.SnapshotSettings;
import io.tidemark.restore.Restore;
import io.tidemark.restore.RestoreSettings;
import io.tidemark.restore.Until;
import io.tidemark.schemas.GtidSet;
import io.tidemark.schemas.TopicNames;
import io.tidemark.sinks.FlushPolicy;
import io.tidemark.sinks.SinkSettings;
import io.tidemark.testkit.JavaProcess;
import io.tidemark.testkit.MariaDbServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore killed with SIGKILL in the schema phase, again in the load phase, again in the
 * check (while it builds the deferred indexes table by table) and again in the replay phase,
 * resumed each time, ends with exactly the source's checksums; a point-in-time restore to a
 * marker transaction holds the rows before it and none after; a point outside the archive is
 * refused before the target is touched.
 */
class RestoreResumeIT {
  /** The S3 secret, which the restore in a child JVM gets from its environment. */
  private static final String SECRET = "resume-secret";

  @RegisterExtension
  static final ArchiveServices services =
      ArchiveServices.withCredentials("resume", SECRET).source(41).captureUser();

  /** Enough tables (each with a deferred key) that the schema phase lasts seconds. */
  private static final int WIDE_TABLES = 120;

  private static String db;
  private static String bucket;
  private static GtidSet marker;

  @BeforeAll
  static void archiveASource(@TempDir Path spool) throws Exception {
    db = services.source().createDatabase("resume");
    bucket = services.freshBucket("resume");
    services.source().execute("CREATE TABLE " + db + ".item (id INT PRIMARY KEY, note VARCHAR(40), n INT,"
            + " UNIQUE KEY note_u (note), KEY n_note (n, note(8)))",
        "SET SESSION max_recursive_iterations = 100000",
        "INSERT INTO " + db + ".item WITH RECURSIVE s (i) AS (SELECT 1 UNION ALL SELECT i + 1"
            + " FROM s WHERE i < 20000) SELECT i, CONCAT('snap-', i), 0 FROM s");
    for (int t = 0; t < WIDE_TABLES; t++) {
      services.source().execute("CREATE TABLE " + db + ".wide" + t
          + " (id INT PRIMARY KEY, v INT, KEY v (v))", "INSERT INTO " + db + ".wide" + t
          + " VALUES (1, " + t + ")");
    }
    TopicNames topics = ArchiveServices.freshTopics("resume");
    CaptureSettings capture = services.capture(topics, 5441, db, 2);
    SinkSettings sink = services.sink(topics, bucket)
        .withFlush(new FlushPolicy(500, 16L << 20, Duration.ofMillis(500)))
        .withSnapshotFlush(new FlushPolicy(2_000, 16L << 20, Duration.ofMillis(500)));
    try (Pipeline pipeline = Pipeline.start(capture, new SnapshotSettings(2, 2_000, 500), sink,
        services.s3(), spool, 1L << 30)) {
      pipeline.snapshotNow(Duration.ofSeconds(60));
      update(1, 600);
      services.source().execute("INSERT INTO " + db + ".item VALUES (-1, 'marker', 0)");
      marker = GtidSet.parse(services.source().queryValue("SELECT @@gtid_binlog_pos"));
      update(600, 1500);
      try (Connection c = services.source().connection()) {
        pipeline.awaitArchived(Pipeline.sourceGtids(c), Duration.ofMinutes(3));
      }
    }
  }

  @Test
  void killedInEachPhaseAResumedRestoreEqualsTheSource() throws Exception {
    try (MariaDbServer target = MariaDbServer.builder().serverId(42).start()) {
      killWhen(target, "new", "SELECT s.phase = 'SCHEMA' AND (" + wideTables(null) + ") >= 10"
          + " FROM tidemark_restore.state s");
      assertThat(target.queryValue("SELECT phase FROM tidemark_restore.state")).isEqualTo("SCHEMA");
      killWhen(target, "resume", "SELECT COUNT(*) >= 2 AND MAX(s.phase) = 'LOAD' FROM"
          + " tidemark_restore.loaded_bundle, tidemark_restore.state s");
      assertThat(target.queryValue("SELECT phase FROM tidemark_restore.state")).isEqualTo("LOAD");
      assertThat(indexesOf(target)).as("the plain key is deferred, the unique key stays")
          .isEqualTo("PRIMARY,note_u");
      killWhen(target, "resume", "SELECT MAX(s.phase) = 'LOAD' AND COUNT(DISTINCT d.table_name) < "
          + (WIDE_TABLES - 20) + " FROM tidemark_restore.state s, tidemark_restore.deferred_index d");
      assertThat(target.queryValue("SELECT phase FROM tidemark_restore.state")).isEqualTo("LOAD");
      assertThat(Integer.parseInt(target.queryValue(wideTables("v"))))
          .as("killed in the check: some tables have their index back, not all")
          .isBetween(20, WIDE_TABLES - 1);
      killWhen(target, "resume", "SELECT position IS NOT NULL FROM tidemark_restore.state");
      assertThat(target.queryValue("SELECT phase FROM tidemark_restore.state")).isEqualTo("REPLAY");

      assertThatThrownBy(() -> restore(target, RestoreSettings::until, Until.END, false))
          .as("a second restore without --resume is refused").hasMessageContaining("--resume");
      restore(target, RestoreSettings::until, Until.END, true);

      assertThat(target.queryValue("SHOW DATABASES LIKE 'tidemark_restore'"))
          .as("the checkpoint is gone once the restore is complete").isNull();
      services.assertSameChecksums(target, db);
      assertThat(target.queryValue(wideTables("v"))).as("every wide table has its key back")
          .isEqualTo(Integer.toString(WIDE_TABLES));
      assertThat(indexesOf(target)).as("the deferred index is back after the resumed restore")
          .isEqualTo("PRIMARY,n_note,note_u");
      String indexes = "SELECT GROUP_CONCAT(CONCAT_WS(' ', index_name, non_unique,"
          + " seq_in_index, column_name, sub_part) ORDER BY BINARY index_name, seq_in_index)"
          + " FROM information_schema.statistics WHERE table_schema = '" + db
          + "' AND table_name = 'item'";
      assertThat(target.queryValue(indexes)).as("the same index definitions as the source")
          .isEqualTo(services.source().queryValue(indexes));
    }
  }

  /** How many wide tables exist ({@code index} null), or have that index. */
  private static String wideTables(String index) {
    return index == null
        ? "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '" + db
            + "' AND table_name LIKE 'wide%'"
        : "SELECT COUNT(DISTINCT table_name) FROM information_schema.statistics WHERE"
            + " table_schema = '" + db + "' AND table_name LIKE 'wide%' AND index_name = '"
            + index + "'";
  }

  private static String indexesOf(MariaDbServer server) {
    return server.queryValue("SELECT GROUP_CONCAT(DISTINCT index_name ORDER BY BINARY index_name)"
        + " FROM information_schema.statistics WHERE table_schema = '" + db + "'"
        + " AND table_name = 'item'");
  }

  @Test
  void aPointInTimeRestoreStopsRightAfterTheMarkerTransaction() throws Exception {
    try (MariaDbServer target = MariaDbServer.builder().serverId(43).start()) {
      restore(target, RestoreSettings::until, new Until(null, marker), false);
      assertThat(target.queryValue("SELECT note FROM " + db + ".item WHERE id = -1"))
          .isEqualTo("marker");
      assertThat(target.queryValue("SELECT COUNT(*) FROM " + db + ".item WHERE n > 0"))
          .as("rows updated before the marker, none after").isEqualTo("599");
    }
  }

  @Test
  void aPointBeyondTheArchiveIsRefusedBeforeTheTargetIsTouched() throws Exception {
    try (MariaDbServer target = MariaDbServer.builder().serverId(44).start()) {
      Instant future = Instant.now().plusSeconds(3600);
      assertThatThrownBy(() -> restore(target, RestoreSettings::until, new Until(future, null),
          false)).hasMessageContaining("reaches until");
      assertThat(target.queryValue("SELECT COUNT(*) FROM information_schema.schemata WHERE"
          + " schema_name NOT IN ('information_schema', 'mysql', 'performance_schema', 'sys')"))
          .isEqualTo("0");
    }
  }

  private static void update(int from, int to) {
    for (int i = from; i < to; i++) {
      services.source().execute("UPDATE " + db + ".item SET n = " + i + " WHERE id = " + i);
    }
  }

  /** Runs a restore in a child JVM and SIGKILLs it as soon as {@code condition} holds. */
  private static void killWhen(MariaDbServer target, String mode, String condition) {
    try (JavaProcess child = JavaProcess.builder(RestoreProcessMain.class)
        .args(services.s3Server().endpoint().toString(), bucket, "repo",
            Integer.toString(target.port()), mode)
        .env("TIDEMARK_TEST_S3_SECRET", SECRET).jvmOption("-Duser.timezone=UTC").start()) {
      await().atMost(3, TimeUnit.MINUTES).pollInterval(Duration.ofMillis(20)).until(() -> {
        if (!child.isAlive()) {
          throw new AssertionError("the restore ended before the kill: " + child.outputTails());
        }
        try {
          return "1".equals(target.queryValue(condition));
        } catch (RuntimeException notYet) {
          return false; // the checkpoint tables do not exist yet
        }
      });
      child.kill();
    }
  }

  private interface Change {
    RestoreSettings apply(RestoreSettings settings, Until until);
  }

  private static void restore(MariaDbServer target, Change change, Until until, boolean resume)
      throws Exception {
    RestoreSettings settings = change.apply(new RestoreSettings(bucket, "repo", null,
        new RestoreSettings.Target("127.0.0.1", target.port(), "root", ""), 2), until);
    new Restore(resume ? settings.resuming() : settings, services.s3()).run();
  }
}
