package io.tidemark.app;

import io.tidemark.capture.CaptureSettings;
import io.tidemark.capture.SnapshotSettings;
import io.tidemark.filecache.Spool;
import io.tidemark.restore.BundleCatalog;
import io.tidemark.restore.Restore;
import io.tidemark.restore.RestoreSettings;
import io.tidemark.restore.TableChecksums;
import io.tidemark.schemas.GtidSet;
import io.tidemark.schemas.avro.SnapshotManifest;
import io.tidemark.schemas.TopicNames;
import io.tidemark.sinks.FlushPolicy;
import io.tidemark.sinks.SinkSettings;
import io.tidemark.testkit.KafkaBroker;
import io.tidemark.testkit.MariaDbServer;
import io.tidemark.testkit.S3Server;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The embedded default, end to end: an in-JVM Kafka broker and S3 server, a sandbox source with
 * sample data under a write load, the pipeline archiving it, and a restore into a fresh sandbox
 * that is verified table by table. Narrated on {@code out}.
 */
final class Demo {
  private static final String DB = "shop";
  private static final String BUCKET = "tidemark-demo";
  private static final int CUSTOMERS = 2_000;

  private final PrintStream out;
  private final int transactions;

  Demo(PrintStream out, int transactions) {
    this.out = out;
    this.transactions = transactions;
  }

  /** Runs the demo; returns the exit code (0 verified, 3 mismatch). */
  int run() throws Exception {
    long started = System.nanoTime();
    step("starting an in-JVM Kafka broker, an in-JVM S3 server and two sandbox MariaDB servers");
    try (KafkaBroker kafka = KafkaBroker.start();
        S3Server s3Server = S3Server.builder().credentials("demo-access", "demo-secret").start();
        MariaDbServer source = MariaDbServer.builder().serverId(1).start();
        MariaDbServer target = MariaDbServer.builder().serverId(2).start();
        S3Client s3 = S3Clients.forEndpoint(s3Server.endpoint(), s3Server.region(),
            s3Server.accessKey(), s3Server.secretKey())) {
      s3Server.createBucket(BUCKET);
      source.createCaptureUser("tidemark", "demo-capture-pw");
      SampleData data = new SampleData(DB, 42);
      try (Connection c = source.connection()) {
        data.create(c, CUSTOMERS);
      }
      step("source on port " + source.port() + ": database '" + DB + "' with " + CUSTOMERS
          + " customers");

      TopicNames topics = new TopicNames("demo");
      CaptureSettings capture = new CaptureSettings(topics, "127.0.0.1", source.port(), "tidemark",
          "demo-capture-pw", 5400, List.of(DB), kafka.bootstrapServers(), 3, (short) 1,
          Duration.ofMillis(CaptureSettings.POLL_INTERVAL_MS), Duration.ofMillis(500));
      SinkSettings sink = SinkSettings.defaults(topics, kafka.bootstrapServers(), BUCKET, "backups")
        .withFlush(new FlushPolicy(1000, 16L << 20, Duration.ofSeconds(1)));
      Path spool = Files.createTempDirectory("tidemark-demo-spool");
      try (Pipeline pipeline = Pipeline.start(capture, SnapshotSettings.DEFAULT, sink, s3, spool,
          1L << 30)) {
        step("pipeline running: capture → Kafka topic " + topics.changes() + " → bundles in s3://"
            + BUCKET + "/backups/");
        SnapshotManifest snapshot = pipeline.snapshotNow(Duration.ofMinutes(2));
        step("snapshot " + snapshot.getSnapshotId() + " taken with "
            + SnapshotSettings.DEFAULT.threads() + " threads at GTID "
            + snapshot.getPosition().getGtid() + "; starting the write load");
        try (Connection c = source.connection()) {
          data.writeLoad(c, transactions, CUSTOMERS);
        }
        GtidSet end;
        try (Connection c = source.connection()) {
          end = Pipeline.sourceGtids(c);
        }
        step("wrote " + transactions + " transactions; waiting until the source up to GTID " + end
            + " is in S3");
        pipeline.awaitArchived(end, Duration.ofMinutes(5));
      }
      Files.deleteIfExists(spool.resolve(Spool.LOCK_FILE));
      Files.delete(spool); // empty: everything reached S3
      step("archived: " + BundleCatalog.read(s3, BUCKET, "backups").bundleCount()
          + " bundles; restoring into the fresh sandbox on port " + target.port());
      Restore.Result restored = new Restore(new RestoreSettings(BUCKET, "backups", null,
          new RestoreSettings.Target("127.0.0.1", target.port(), "root", ""), 2), s3).run();
      step("loaded snapshot " + restored.snapshotId() + " (" + restored.snapshotRows()
          + " rows, checksums match its manifest), then replayed " + restored.events()
          + " events in " + restored.transactions() + " transactions");
      int code = verify(source, target);
      step(String.format("done in %.1f s", (System.nanoTime() - started) / 1e9));
      return code;
    }
  }

  private int verify(MariaDbServer source, MariaDbServer target) throws Exception {
    Map<String, TableChecksums.TableSum> expected;
    Map<String, TableChecksums.TableSum> actual;
    try (Connection s = source.connection(); Connection t = target.connection()) {
      expected = TableChecksums.of(s, List.of(DB));
      actual = TableChecksums.of(t, List.of(DB));
    }
    boolean match = true;
    for (var e : expected.entrySet()) {
      TableChecksums.TableSum got = actual.get(e.getKey());
      boolean same = e.getValue().equals(got);
      match &= same;
      out.printf("   %-20s rows %8d  checksum %12d  %s%n", e.getKey(), e.getValue().rows(),
          e.getValue().checksum(), same ? "match" : "MISMATCH (restored: " + got + ")");
    }
    match &= expected.keySet().equals(actual.keySet());
    step(match ? "verified: the restored database equals the source"
        : "verification FAILED: the restored database differs from the source");
    return match ? 0 : ExitCodes.MISMATCH;
  }

  private void step(String message) {
    out.println("▶ " + message);
  }
}
