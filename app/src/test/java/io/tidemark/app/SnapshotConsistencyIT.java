package io.tidemark.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.capture.CaptureSettings;
import io.tidemark.capture.SnapshotSettings;
import io.tidemark.restore.Restore;
import io.tidemark.restore.RestoreSettings;
import io.tidemark.restore.TableChecksums;
import io.tidemark.schemas.TopicNames;
import io.tidemark.schemas.avro.SnapshotManifest;
import io.tidemark.schemas.avro.TableManifest;
import io.tidemark.sinks.FlushPolicy;
import io.tidemark.sinks.SinkSettings;
import io.tidemark.testkit.KafkaBroker;
import io.tidemark.testkit.MariaDbServer;
import io.tidemark.testkit.S3Server;
import io.tidemark.testkit.Services;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A snapshot taken while writers change the tables is consistent at its recorded position: its
 * rows plus the change events after that position reproduce the source exactly.
 */
class SnapshotConsistencyIT {
  private static KafkaBroker kafka;
  private static S3Server s3Server;
  private static MariaDbServer source;
  private static MariaDbServer target;
  private static S3Client s3;

  @BeforeAll
  static void startServices() {
    kafka = KafkaBroker.start();
    s3Server = S3Server.builder().credentials("consistency", "consistency-secret").start();
    source = MariaDbServer.builder().serverId(11).start();
    target = MariaDbServer.builder().serverId(12).start();
    s3 = S3Clients.forEndpoint(s3Server.endpoint(), s3Server.region(), s3Server.accessKey(),
        s3Server.secretKey());
  }

  @AfterAll
  static void stopServices() {
    Services.closeAll(s3, target, source, s3Server, kafka);
  }

  @TempDir Path spool;

  @Test
  void snapshotUnderConcurrentWritesPlusLaterChangesReproducesTheSource() throws Exception {
    String db = source.createDatabase("consistent");
    String bucket = "consistent-" + UUID.randomUUID().toString().substring(0, 8);
    s3Server.createBucket(bucket);
    source.createCaptureUser("tidemark", "capture-pw");
    source.execute(
        "CREATE TABLE " + db + ".account (id INT PRIMARY KEY, balance BIGINT NOT NULL)",
        "CREATE TABLE " + db + ".ledger (at INT NOT NULL, amount BIGINT NOT NULL)", // no key
        "SET SESSION max_recursive_iterations = 100000",
        "INSERT INTO " + db + ".account WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1"
            + " FROM n WHERE i < 20000) SELECT i, 1000 FROM n",
        "ANALYZE TABLE " + db + ".account");

    TopicNames topics = new TopicNames("consistent" + UUID.randomUUID().toString().substring(0, 6));
    CaptureSettings capture = new CaptureSettings(topics, "127.0.0.1", source.port(), "tidemark",
        "capture-pw", 5411, List.of(db), kafka.bootstrapServers(), 2, (short) 1,
        Duration.ofMillis(50), Duration.ofMillis(200));
    SinkSettings sink = SinkSettings.defaults(topics, kafka.bootstrapServers(), bucket, "repo")
        .withFlush(new FlushPolicy(2_000, 16L << 20, Duration.ofMillis(500)));
    SnapshotManifest snapshot;
    AtomicLong transfers = new AtomicLong();
    try (Pipeline pipeline = Pipeline.start(capture, new SnapshotSettings(2, 2_500, 500), sink, s3, spool, 1L << 30)) {
      AtomicBoolean writing = new AtomicBoolean(true);
      CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> transfer(db, writing, transfers));
      try {
        snapshot = pipeline.snapshotNow(Duration.ofSeconds(60));
      } finally {
        writing.set(false);
      }
      writer.get();
      try (Connection c = source.connection()) {
        pipeline.awaitArchived(Pipeline.sourceGtids(c), Duration.ofSeconds(120));
      }
    }
    assertThat(snapshot.getTables()).filteredOn(t -> t.getTable().equals("account"))
        .singleElement().extracting(TableManifest::getChunks).as("read in parallel chunks")
        .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.INTEGER).isGreaterThan(1);
    assertThat(transfers.get()).as("writes happened around the snapshot").isPositive();

    new Restore(new RestoreSettings(bucket, "repo", null, new RestoreSettings.Target("127.0.0.1",
        target.port(), "root", ""), 2), s3).run();

    try (Connection s = source.connection(); Connection t = target.connection()) {
      assertThat(TableChecksums.of(t, List.of(db))).isEqualTo(TableChecksums.of(s, List.of(db)));
    }
  }

  /** Moves money between random accounts and logs it, one transaction each, until told to stop. */
  private static void transfer(String db, AtomicBoolean writing, AtomicLong count) {
    Random random = new Random(3);
    try (Connection c = source.connection(); Statement s = c.createStatement()) {
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
