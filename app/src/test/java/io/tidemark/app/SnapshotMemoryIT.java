package io.tidemark.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tidemark.restore.SnapshotCatalog;
import io.tidemark.schemas.GtidSet;
import io.tidemark.schemas.avro.SnapshotManifest;
import io.tidemark.schemas.avro.TableManifest;
import io.tidemark.testkit.JavaProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory is bounded by the settings, not by the size of the rows: {@code tidemark run} in a
 * 384 MiB heap takes its first snapshot of a table of 4 MiB rows, 600 MiB in all, and keeps
 * running, with every row in the snapshot's manifest, and archives changes of 400 MiB to those
 * rows; {@code tidemark restore} in a 256 MiB heap then loads that snapshot into a fresh server
 * and replays the changes, which ends equal to the source.
 */
class SnapshotMemoryIT {
  private static final int ROW_BYTES = 4 << 20;
  private static final int ROWS_PER_TRANSACTION = 10;
  private static final int TRANSACTIONS = 15;
  /** Transactions that then change rows: 400 MiB of change events. */
  private static final int CHANGED_TRANSACTIONS = 5;
  private static final String HEAP = "-Xmx384m";
  private static final String RESTORE_HEAP = "-Xmx256m";
  private static final String EXIT_ON_OOM = "-XX:+ExitOnOutOfMemoryError";

  @RegisterExtension
  static final ArchiveServices services =
      ArchiveServices.withCredentials("snapmem", "snapmem-secret").source(71).captureUser()
          .target(72);

  @TempDir Path work;

  @Test
  void aTableOfLargeRowsBiggerThanTheHeapIsSnapshottedAndRestoredInIt() throws Exception {
    String db = services.source().createDatabase("snapmem");
    String bucket = services.freshBucket("snapmem");
    services.source().execute("CREATE TABLE " + db + ".big (id BIGINT PRIMARY KEY, b LONGBLOB)");
    for (int t = 0; t < TRANSACTIONS; t++) {
      services.source().execute("INSERT INTO " + db + ".big SELECT " + t * ROWS_PER_TRANSACTION
          + " + seq, REPEAT(CHAR(65 + seq), " + ROW_BYTES + ") FROM " + db + ".seq_1_to_"
          + ROWS_PER_TRANSACTION);
    }
    TidemarkCli cli = services.runCommand(bucket, db, 1, work.resolve("state"))
        .env("TIDEMARK_MAX_BUFFERED", "32MiB");
    try (JavaProcess run = cli.withJvmOptions(HEAP, EXIT_ON_OOM).start("run")) {
      await().atMost(Duration.ofMinutes(4)).until(() -> !run.isAlive()
          || SnapshotCatalog.read(services.s3(), bucket, "prod").latest().isPresent());
      assertThat(run.isAlive()).as("run in %s took the snapshot and still runs%s", HEAP,
          run.outputTails()).isTrue();
      Optional<SnapshotManifest> snapshot =
          SnapshotCatalog.read(services.s3(), bucket, "prod").latest();
      assertThat(snapshot.orElseThrow().getTables()).extracting(TableManifest::getTable,
          TableManifest::getRows).containsExactly(Tuple.tuple("big",
          (long) TRANSACTIONS * ROWS_PER_TRANSACTION));
      for (int t = 0; t < CHANGED_TRANSACTIONS; t++) { // each change holds both images
        services.source().execute("UPDATE " + db + ".big SET b = REPEAT('z', " + ROW_BYTES
            + ") WHERE id > " + t * ROWS_PER_TRANSACTION + " AND id <= "
            + (t + 1) * ROWS_PER_TRANSACTION);
      }
      GtidSet written = GtidSet.parse(services.source().queryValue("SELECT @@gtid_binlog_pos"));
      await().atMost(Duration.ofMinutes(4)).until(() -> !run.isAlive()
          || services.archiveReaches(bucket, "prod", 1, written));
      assertThat(run.isAlive()).as("run in %s archived the changes%s", HEAP, run.outputTails())
          .isTrue();
      run.stop(Duration.ofMinutes(1));
    }
    TidemarkCli.Result restore = cli.withJvmOptions(RESTORE_HEAP, EXIT_ON_OOM)
        .env("TIDEMARK_TARGET_PASSWORD", "")
        .run("restore", "--target", "mysql://root@127.0.0.1:" + services.target().port());
    assertThat(restore.code())
        .as("restore in %s: %s %s", RESTORE_HEAP, restore.out(), restore.err())
        .isEqualTo(ExitCodes.OK);
    services.assertSameChecksums(services.target(), db);
  }
}
