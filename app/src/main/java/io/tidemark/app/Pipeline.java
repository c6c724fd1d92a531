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
import io.tidemark.sinks.SinkStats;
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
 * from Kafka into S3, or the sink worker alone (a process added to scale the sinks out).
 * Closing it stops capture first, then lets the worker write and commit every batch it holds.
 *
 * <p>Thread-safe.
 */
public final class Pipeline implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Pipeline.class);
  private static final Duration POLL = Duration.ofMillis(100);

  private final Capture capture;
  private final Snapshotter snapshotter;
  private final Spool spool;
  private final SinkWorker worker;
  private final SinkSettings sinkSettings;
  private final ExecutorService sinkThread;
  private final Future<?> sinkRun;
  /** For the sink group's lag; one client for the pipeline's life, not one per look. */
  private final Admin admin;

  private Pipeline(CaptureSettings captureSettings, SnapshotSettings snapshotSettings,
      SinkSettings sinkSettings, S3Client s3, Spool spool) {
    this.sinkSettings = sinkSettings;
    this.spool = spool;
    this.worker = new SinkWorker(sinkSettings, new S3BundleStore(s3, sinkSettings.bucket(),
        sinkSettings.multipartThreshold()), spool,
        SystemClock.INSTANT, SystemClock::sleep);
    this.snapshotter = captureSettings == null ? null
        : new Snapshotter(captureSettings, snapshotSettings, SystemClock.INSTANT);
    this.capture = captureSettings == null ? null : Capture.start(captureSettings);
    this.sinkThread = Executors.newSingleThreadExecutor(r -> new Thread(r, "tidemark-sink"));
    this.sinkRun = sinkThread.submit(worker);
    this.admin = Admin.create(Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, sinkSettings.bootstrapServers()));
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

  /** Starts one sink worker and no capture: a process that adds sink throughput. */
  public static Pipeline sinkOnly(SinkSettings sink, S3Client s3, Path spoolDir,
      long spoolMaxBytes) throws IOException {
    return new Pipeline(null, null, sink, s3, Spool.open(spoolDir, spoolMaxBytes));
  }

  /** The capture of this process; empty for a sink-only pipeline. */
  public Optional<Capture> capture() {
    return Optional.ofNullable(capture);
  }

  public SinkStats sinkStats() {
    return worker.stats();
  }

  /** Bytes waiting in the spool for the repository. */
  public long spoolBytes() {
    return spool.bytes();
  }

  /** Source events waiting in Kafka for the sink group. */
  public long sinkLag() throws Exception {
    return ConsumerLag.of(admin, sinkSettings);
  }

  /**
   * Takes a consistent snapshot once capture is streaming, so that every change after the
   * snapshot's position is captured.
   */
  public SnapshotManifest snapshotNow(Duration timeout) throws Exception {
    if (capture == null) {
      throw new IllegalStateException("a sink-only process takes no snapshots");
    }
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
    while (!reached(sourceGtids) || ConsumerLag.of(admin, sinkSettings) > 0) {
      throwIfFailed();
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the source up to GTID " + sourceGtids
            + " was not archived within " + timeout + " (capture at "
            + capture().flatMap(Capture::restartPoint).map(SourcePosition::format)
                .orElse("its start") + ")");
      }
      SystemClock.sleep(POLL);
    }
  }

  private boolean reached(GtidSet sourceGtids) {
    Optional<SourcePosition> at = capture().flatMap(Capture::restartPoint);
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

  /** Throws the failure of a stage that stopped; returns while every stage runs. */
  public void throwIfFailed() throws Exception {
    if (capture != null && capture.failure().isPresent()) {
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
      if (capture != null) {
        snapshotter.close();
        capture.close();
      }
    } finally {
      worker.close();
      sinkThread.shutdown();
      if (!sinkThread.awaitTermination(60, TimeUnit.SECONDS)) {
        log.warn("the sink worker did not stop within 60 s");
      } else {
        spool.close();
      }
      admin.close();
    }
  }
}
