package io.tidemark.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tidemark.restore.SnapshotCatalog;
import io.tidemark.restore.TableChecksums;
import io.tidemark.restore.TableChecksums.TableSum;
import io.tidemark.schemas.GtidSet;
import io.tidemark.testkit.JavaProcess;
import io.tidemark.testkit.MariaDbServer;
import io.tidemark.testkit.SmallDisk;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The soak: a source under a continuous mixed write load while faults come one after another
 * (SIGKILL of {@code tidemark run}, SIGKILL of an extra sink worker, a broker restart, a DDL, S3
 * down for a while with the spool's disk, a 2 MiB tmpfs, filling up), then restores through the
 * real command, SIGKILLed in the schema, the load and the replay phase and resumed, to the end
 * and to a marked point in time, each compared with the source. Prints one summary line;
 * nothing may be lost or duplicated. Where no tmpfs can be mounted (not root), the spool's disk
 * stays large and the summary says so.
 */
class FaultSoakIT {
  private static final Duration STEP = Duration.ofMinutes(3);
  private static final int ROWS = 250_000; // more than two snapshot chunks
  /** Tables enough for the restore's schema phase to last seconds, so it can be killed in it. */
  private static final int WIDE_TABLES = 80;

  @RegisterExtension
  static final ArchiveServices services =
      ArchiveServices.withCredentials("soak", "soak-secret").source(61).captureUser();

  @TempDir Path work;

  private JavaProcess run;
  private SmallDisk spoolDisk;
  private int restarts;

  @AfterEach
  void stopRun() {
    if (run != null) {
      run.close();
    }
    if (spoolDisk != null) {
      spoolDisk.close();
    }
  }

  @Test
  void faultsOneAfterAnotherLoseAndDuplicateNothing() throws Exception {
    String db = services.source().createDatabase("soak");
    String bucket = services.freshBucket("soak");
    SourceLoad load = new SourceLoad(services.source(), db, 7);
    load.create(ROWS);
    for (int t = 0; t < WIDE_TABLES; t++) {
      services.source().execute("CREATE TABLE " + db + ".wide" + t
          + " (id INT PRIMARY KEY, v INT, KEY v (v))");
    }
    StringBuilder noSmallDisk = new StringBuilder();
    spoolDisk = SmallDisk.mount(work.resolve("state").resolve("spool"), "2m", noSmallDisk)
        .orElse(null);
    TidemarkCli cli = services.runCommand(bucket, db, 3, work.resolve("state"))
        .env("TIDEMARK_FLUSH_AGE", "500ms").env("TIDEMARK_SESSION_TIMEOUT", "10s")
        .env("TIDEMARK_MAX_FAILURES", "1000") // spool through the outage instead of stopping
        .env("TIDEMARK_TARGET_PASSWORD", "");
    run = cli.start("run");
    CompletableFuture<Void> writing = CompletableFuture.runAsync(load);
    await().atMost(STEP).until(() -> SnapshotCatalog.read(services.s3(), bucket, "prod")
        .latest().isPresent());

    progress(load, cli);
    run.kill(); // capture and its sink die mid-stream
    run = cli.start("run");
    progress(load, cli);
    try (JavaProcess extraSink = cli.with("MYSQL_BACKUP_DIR", work.resolve("sink-state")
        .toString()).start("run", "--role", "sink")) { // a spool has one owner
      progress(load, cli);
      extraSink.kill();
    }
    progress(load, cli);
    services.kafka().restart();
    progress(load, cli);
    services.source().execute("ALTER TABLE " + db + ".item ADD COLUMN extra INT DEFAULT 7");
    run.awaitOutput("tidemark run: all for source", STEP); // past its start-up checks of S3
    services.s3Server().stop();
    awaitLoad(load, 100, () -> { });
    if (spoolDisk != null) { // the spool's disk fills up: intake pauses, nothing is dropped
      run.awaitOutput("NEITHER S3 NOR THE SPOOL CAN TAKE BUNDLES", STEP);
    }
    services.s3Server().start();
    progress(load, cli);

    load.pause(); // the marked point in time
    String marker = services.source().queryValue("SELECT @@gtid_binlog_pos");
    Map<String, TableSum> atMarker = sums(services.source(), db);
    load.resume();
    progress(load, cli);
    load.stop();
    writing.get();
    assertThat(load.failure()).isNull();
    GtidSet end = gtids();
    await().atMost(STEP).until(() -> {
      keepRunning(cli);
      return services.archiveReaches(bucket, "prod", 3, end);
    });
    assertThat(run.stop(Duration.ofMinutes(2))).as("ordered stop").isEqualTo(ExitCodes.OK);

    Map<String, TableSum> atEnd = sums(services.source(), db);
    try (MariaDbServer full = MariaDbServer.builder().serverId(62).start();
        MariaDbServer pitr = MariaDbServer.builder().serverId(63).start()) {
      String fullUrl = "mysql://root@127.0.0.1:" + full.port();
      killRestoreWhen(cli, full, "SELECT s.phase = 'SCHEMA' AND (SELECT COUNT(*) FROM"
          + " information_schema.tables WHERE table_schema = '" + db + "' AND table_name LIKE"
          + " 'wide%') >= 10 FROM tidemark_restore.state s", "--target", fullUrl);
      killRestoreWhen(cli, full, "SELECT COUNT(*) >= 1 AND MAX(s.phase) = 'LOAD' FROM"
          + " tidemark_restore.loaded_bundle, tidemark_restore.state s", "--target", fullUrl,
          "--resume");
      killRestoreWhen(cli, full, "SELECT position IS NOT NULL FROM tidemark_restore.state",
          "--target", fullUrl, "--resume");
      TidemarkCli.Result resumed = cli.run("restore", "--target", fullUrl, "--resume");
      assertThat(resumed.code()).as(resumed.err()).isEqualTo(ExitCodes.OK);
      TidemarkCli.Result toMarker = cli.run("restore", "--target",
          "mysql://root@127.0.0.1:" + pitr.port(), "--until-gtid", marker);
      assertThat(toMarker.code()).as(toMarker.err()).isEqualTo(ExitCodes.OK);

      long written = load.transactions();
      long restored = count(full, "SELECT COUNT(*) FROM " + db + ".journal");
      long lost = count(services.source(), "SELECT COUNT(*) FROM " + db + ".journal") - count(
          full, "SELECT COUNT(DISTINCT seq) FROM " + db + ".journal");
      long duplicated = restored - count(full, "SELECT COUNT(DISTINCT seq) FROM " + db
          + ".journal");
      boolean endMatches = sums(full, db).equals(atEnd);
      boolean markerMatches = sums(pitr, db).equals(atMarker);
      System.out.printf("SOAK transactions written=%d row changes=%d restored=%d lost=%d"
          + " duplicated=%d checksums end=%s marker=%s run restarts=%d spool disk full=%s%n",
          written, load.rowChanges(), restored, lost, duplicated,
          endMatches ? "match" : "MISMATCH", markerMatches ? "match" : "MISMATCH", restarts,
          spoolDisk != null ? "yes" : "skipped (" + noSmallDisk + ")");
      assertThat(lost).isZero();
      assertThat(duplicated).isZero();
      assertThat(sums(full, db)).isEqualTo(atEnd);
      assertThat(sums(pitr, db)).isEqualTo(atMarker);
    }
  }

  /** Waits until the load wrote more, restarting run if a fault ended it. */
  private void progress(SourceLoad load, TidemarkCli cli) {
    awaitLoad(load, 200, () -> keepRunning(cli));
  }

  /**
   * Waits until the load committed {@code more} transactions, doing {@code meanwhile} at each
   * look; fails at once with the cause if the load stopped, and with what the source's sessions
   * were doing if it stalled.
   */
  private void awaitLoad(SourceLoad load, long more, Runnable meanwhile) {
    long from = load.transactions();
    try {
      await().atMost(STEP).until(() -> {
        meanwhile.run();
        if (load.failure() != null) {
          throw new AssertionError("the source load stopped", load.failure());
        }
        return load.transactions() >= from + more;
      });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("the source load committed " + (load.transactions() - from)
          + " of " + more + " transactions in " + STEP + "; " + usableMiB(work)
          + " MiB free for the test's files; the source's sessions: "
          + services.source().queryValue("SELECT GROUP_CONCAT(CONCAT_WS(' ', id, user, command,"
              + " time, state, LEFT(info, 100)) SEPARATOR ' | ') FROM"
              + " information_schema.processlist"), e);
    }
  }

  private static long usableMiB(Path dir) {
    try {
      return Files.getFileStore(dir).getUsableSpace() >> 20;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** As a supervisor would: a fault may have ended the process; start it again. */
  private void keepRunning(TidemarkCli cli) {
    if (!run.isAlive()) {
      run.close();
      run = cli.start("run");
      restarts++;
    }
  }

  private static void killRestoreWhen(TidemarkCli cli, MariaDbServer target, String condition,
      String... args) {
    String[] command = new String[args.length + 1];
    command[0] = "restore";
    System.arraycopy(args, 0, command, 1, args.length);
    try (JavaProcess restore = cli.start(command)) {
      await().atMost(STEP).pollInterval(Duration.ofMillis(20)).until(() -> {
        if (!restore.isAlive()) {
          throw new AssertionError("the restore ended before the kill: " + restore.outputTails());
        }
        try {
          return "1".equals(target.queryValue(condition));
        } catch (RuntimeException notYet) {
          return false; // the checkpoint tables do not exist yet
        }
      });
      restore.kill();
    }
  }

  private static GtidSet gtids() {
    return GtidSet.parse(services.source().queryValue("SELECT @@gtid_binlog_pos"));
  }

  private static long count(MariaDbServer server, String sql) {
    return Long.parseLong(server.queryValue(sql));
  }

  private static Map<String, TableSum> sums(MariaDbServer server, String db) throws Exception {
    try (Connection c = server.connection()) {
      return TableChecksums.of(c, List.of(db));
    }
  }
}
