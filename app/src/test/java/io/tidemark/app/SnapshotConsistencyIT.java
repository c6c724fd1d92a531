package io.tidemark.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.capture.CaptureSettings;
import io.tidemark.capture.SnapshotSettings;
import io.tidemark.schemas.TopicNames;
import io.tidemark.schemas.avro.SnapshotManifest;
import io.tidemark.schemas.avro.TableManifest;
import io.tidemark.sinks.FlushPolicy;
import io.tidemark.sinks.SinkSettings;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A snapshot taken while writers change the tables is consistent at its recorded position: its
 * rows plus the change events after that position reproduce the source exactly.
 */
class SnapshotConsistencyIT {
  @RegisterExtension
  static final ArchiveServices services =
      ArchiveServices.withCredentials("consistency", "consistency-secret").source(11).target(12);

  @TempDir Path spool;

  @Test
  void snapshotUnderConcurrentWritesPlusLaterChangesReproducesTheSource() throws Exception {
    String db = services.source().createDatabase("consistent");
    String bucket = services.freshBucket("consistent");
    services.source().createCaptureUser(ArchiveServices.CAPTURE_USER,
        ArchiveServices.CAPTURE_PASSWORD);
    services.source().execute(
        "CREATE TABLE " + db + ".account (id INT PRIMARY KEY, balance BIGINT NOT NULL)",
        "CREATE TABLE " + db + ".ledger (at INT NOT NULL, amount BIGINT NOT NULL)", // no key
        "SET SESSION max_recursive_iterations = 100000",
        "INSERT INTO " + db + ".account WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1"
            + " FROM n WHERE i < 20000) SELECT i, 1000 FROM n",
        "ANALYZE TABLE " + db + ".account");

    TopicNames topics = ArchiveServices.freshTopics("consistent");
    CaptureSettings capture = services.capture(topics, 5411, db, 2);
    SinkSettings sink = services.sink(topics, bucket)
        .withFlush(new FlushPolicy(2_000, 16L << 20, Duration.ofMillis(500)));
    SnapshotManifest snapshot;
    AtomicLong transfers = new AtomicLong();
    try (Pipeline pipeline = Pipeline.start(capture, new SnapshotSettings(2, 2_500, 500), sink,
        services.s3(), spool, 1L << 30)) {
      AtomicBoolean writing = new AtomicBoolean(true);
      CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> transfer(db, writing, transfers));
      try {
        snapshot = pipeline.snapshotNow(Duration.ofSeconds(60));
      } finally {
        writing.set(false);
      }
      writer.get();
      try (Connection c = services.source().connection()) {
        pipeline.awaitArchived(Pipeline.sourceGtids(c), Duration.ofSeconds(120));
      }
    }
    assertThat(snapshot.getTables()).filteredOn(t -> t.getTable().equals("account"))
        .singleElement().extracting(TableManifest::getChunks).as("read in parallel chunks")
        .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.INTEGER).isGreaterThan(1);
    assertThat(transfers.get()).as("writes happened around the snapshot").isPositive();

    services.restore(bucket, services.target());

    services.assertSameChecksums(services.target(), db);
  }

  /** Moves money between random accounts and logs it, one transaction each, until told to stop. */
  private static void transfer(String db, AtomicBoolean writing, AtomicLong count) {
    Random random = new Random(3);
    try (Connection c = services.source().connection(); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      while (writing.get() || count.get() < 200) {
        int from = 1 + random.nextInt(20_000);
        int to = 1 + random.nextInt(20_000);
        int amount = 1 + random.nextInt(50);
        s.execute("UPDATE " + db + ".account SET balance = balance - " + amount + " WHERE id = " + from);
        s.execute("UPDATE " + db + ".account SET balance = balance + " + amount + " WHERE id = " + to);
        s.execute("INSERT INTO " + db + ".ledger VALUES (" + count.get() + ", " + amount + ")");
        c.commit();
        count.incrementAndGet();
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
