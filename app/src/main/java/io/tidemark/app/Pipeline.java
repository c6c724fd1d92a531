package io.tidemark.app;

import io.tidemark.capture.Capture;
import io.tidemark.capture.CaptureSettings;
import io.tidemark.capture.SnapshotSettings;
import io.tidemark.capture.Snapshotter;
import io.tidemark.schemas.GtidSet;
import io.tidemark.schemas.SourcePosition;
import io.tidemark.schemas.avro.SnapshotManifest;
import io.tidemark.sinks.ConsumerLag;
import io.tidemark.sinks.SinkSettings;
import io.tidemark.sinks.SinkWorker;
import io.tidemark.sinks.s3.S3BundleStore;
import io.tidemark.filecache.Spool;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The continuous pipeline of one source in one process: capture into Kafka and a sink worker
 * from Kafka into S3. Closing it stops capture first, then lets the worker write and commit
 * every batch it holds.
 *
 * <p>Thread-safe.
 */
public final class Pipeline implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Pipeline.class);
  private static final Duration POLL = Duration.ofMillis(100);

  private final Capture capture;
  private final Snapshotter snapshotter;
  private final SinkWorker worker;
  private final SinkSettings sinkSettings;
  private final ExecutorService sinkThread;
  private final Future<?> sinkRun;

  private Pipeline(CaptureSettings captureSettings, SnapshotSettings snapshotSettings,
      SinkSettings sinkSettings, S3Client s3, Spool spool) {
    this.sinkSettings = sinkSettings;
    this.snapshotter = new Snapshotter(captureSettings, snapshotSettings, SystemClock.INSTANT);
    this.worker = new SinkWorker(sinkSettings, new S3BundleStore(s3, sinkSettings.bucket(),
        sinkSettings.multipartThreshold()), spool,
        SystemClock.INSTANT, SystemClock::sleep);
    this.capture = Capture.start(captureSettings);
    this.sinkThread = Executors.newSingleThreadExecutor(r -> new Thread(r, "tidemark-sink"));
    this.sinkRun = sinkThread.submit(worker);
  }

  /**
   * Starts capture and one sink worker.
   *
   * @param spoolDir where bundles wait while S3 fails (kept across restarts)
   * @param spoolMaxBytes the most the spool may hold
   */
  public static Pipeline start(CaptureSettings capture, SnapshotSettings snapshot,
      SinkSettings sink, S3Client s3, Path spoolDir, long spoolMaxBytes) throws IOException {
    return new Pipeline(capture, snapshot, sink, s3, Spool.open(spoolDir, spoolMaxBytes));
  }

  /**
   * Takes a consistent snapshot once capture is streaming, so that every change after the
   * snapshot's position is captured.
   */
  public SnapshotManifest snapshotNow(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (capture.restartPoint().isEmpty()) {
      throwIfFailed();
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("capture did not start streaming within " + timeout);
      }
      SystemClock.sleep(POLL);
    }
    return snapshotter.take();
  }

  /**
   * Waits until every source transaction up to the GTID position {@code sourceGtids} is durable
   * in S3: capture's restart point covers it and the sink group has committed everything Kafka
   * holds.
   *
   * @throws IllegalStateException when a stage failed or the timeout passed first
   */
  public void awaitArchived(GtidSet sourceGtids, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Admin admin = Admin.create(Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, sinkSettings.bootstrapServers()))) {
      while (!reached(sourceGtids) || ConsumerLag.of(admin, sinkSettings) > 0) {
        throwIfFailed();
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the source up to GTID " + sourceGtids
              + " was not archived within " + timeout + " (capture at "
              + capture.restartPoint().map(SourcePosition::format).orElse("its start") + ")");
        }
        SystemClock.sleep(POLL);
      }
    }
  }

  private boolean reached(GtidSet sourceGtids) {
    Optional<SourcePosition> at = capture.restartPoint();
    return at.isPresent() && GtidSet.parse(at.get().gtid()).covers(sourceGtids);
  }

  /** The GTID position of the source's newest transaction ({@code @@gtid_binlog_pos}). */
  public static GtidSet sourceGtids(Connection source) throws SQLException {
    try (Statement s = source.createStatement();
        ResultSet r = s.executeQuery("SELECT @@gtid_binlog_pos")) {
      r.next();
      return GtidSet.parse(r.getString(1));
    }
  }

  /** Why the sink worker stopped, if it stopped by failure. */
  public Optional<Throwable> sinkFailure() {
    if (!sinkRun.isDone()) {
      return Optional.empty();
    }
    try {
      sinkRun.get();
      return Optional.empty();
    } catch (java.util.concurrent.ExecutionException e) {
      return Optional.of(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  private void throwIfFailed() throws Exception {
    if (capture.failure().isPresent()) {
      throw new IllegalStateException("capture failed", capture.failure().get());
    }
    if (sinkRun.isDone()) {
      sinkRun.get(); // rethrows the worker's failure
      throw new IllegalStateException("the sink worker stopped");
    }
  }

  @Override
  public void close() throws Exception {
    log.info("stopping the pipeline: capture first, then the sink");
    try {
      snapshotter.close();
      capture.close();
    } finally {
      worker.close();
      sinkThread.shutdown();
      if (!sinkThread.awaitTermination(60, TimeUnit.SECONDS)) {
        log.warn("the sink worker did not stop within 60 s");
      }
    }
  }
}
