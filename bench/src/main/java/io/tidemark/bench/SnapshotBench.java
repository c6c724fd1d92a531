package io.tidemark.bench;

import io.tidemark.app.S3Clients;
import io.tidemark.capture.CaptureSettings;
import io.tidemark.capture.SnapshotSettings;
import io.tidemark.capture.Snapshotter;
import io.tidemark.schemas.avro.SnapshotManifest;
import io.tidemark.schemas.avro.TableManifest;
import io.tidemark.app.Pipeline;
import io.tidemark.schemas.GtidSet;
import io.tidemark.sinks.FlushPolicy;
import io.tidemark.sinks.SinkSettings;
import io.tidemark.testkit.KafkaBroker;
import io.tidemark.testkit.S3Server;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * One consistent snapshot of the benchmark database with Tidemark's {@link Snapshotter}, timed:
 * into Kafka (until Kafka acknowledged every row and the closing record), or additionally
 * through the pipeline of {@code tidemark run} (capture and a sink worker) into a
 * filesystem-backed S3 server (until the snapshot's manifest is durable and the sink committed
 * everything), optionally followed by a timed change stream for the restore's replay. A fresh
 * broker per run; its start-up is not timed.
 */
@Command(name = "snapshot", mixinStandardHelpOptions = true,
    description = "Snapshot rows/s into Kafka, or through the sink into S3.")
final class SnapshotBench implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(SnapshotBench.class);
  static final String BUCKET = "tidemark-bench";

  enum Target { kafka, s3 }

  @Mixin SourceOptions source;

  @Option(names = "--out", required = true, description = "results file (key=value lines)")
  Path out;

  @Option(names = "--target", defaultValue = "kafka", description = "kafka or s3")
  Target target;

  @Option(names = "--threads", defaultValue = "2", description = "snapshot threads")
  int threads;

  @Option(names = "--s3-dir", description = "directory of the S3 store (target s3); emptied first")
  Path s3Dir;

  @Option(names = "--keep-s3", description = "keep the S3 store for `restore` (target s3)")
  boolean keepS3;

  @Option(names = "--write-seconds", defaultValue = "0", description = "target s3: after the"
      + " snapshot, sysbench writes this long and the change stream is archived too")
  int writeSeconds;

  @Option(names = "--write-threads", defaultValue = "4", description = "sysbench threads")
  int writeThreads;

  @Override
  public Integer call() throws Exception {
    SnapshotSettings snapshot = new SnapshotSettings(threads, SnapshotSettings.DEFAULT.chunkRows(),
        SnapshotSettings.DEFAULT.fetchRows());
    Results results = new Results().put("tool", "tidemark-" + target).put("threads", threads);
    try (KafkaBroker kafka = KafkaBroker.start()) {
      CaptureSettings settings = source.capture(kafka.bootstrapServers(), 1, Duration.ofMillis(50),
          Duration.ofSeconds(1));
      ThreadCpu cpu = ThreadCpu.start();
      if (target == Target.kafka) {
        toKafka(settings, snapshot, results);
      } else {
        toS3(settings, snapshot, results);
      }
      results.put("jvm_cpu_cores", cpu.processCores());
      // the whole bench JVM: the in-JVM broker and S3 server as well as the pipeline
      results.put("jvm_heap_peak_mib", PhaseClock.heapPeakMib())
          .put("jvm_rss_peak_mib", PhaseClock.rssPeakMib());
      cpu.topGroupsMs(6).forEach((group, ms) -> results.put("thread_cpu_ms." + group, ms));
      results.put("kafka_bytes", topicBytes(kafka.bootstrapServers(),
          settings.topics().snapshots()));
    }
    results.write(out);
    return 0;
  }

  private void toKafka(CaptureSettings settings, SnapshotSettings snapshot, Results results)
      throws Exception {
    try (Snapshotter snapshotter = new Snapshotter(settings, snapshot, InstantSource.system())) {
      long started = System.nanoTime();
      SnapshotManifest manifest = snapshotter.take();
      record(results, manifest, (System.nanoTime() - started) / 1e9);
    }
  }

  private void toS3(CaptureSettings settings, SnapshotSettings snapshot, Results results)
      throws Exception {
    Path dir = s3Dir != null ? s3Dir : Files.createTempDirectory("tidemark-bench-s3-");
    deleteRecursively(dir);
    if (writeSeconds > 0) {
      ProbeWriter.createTable(source); // before capture starts: its DDL is history
    }
    SinkSettings sink = SinkSettings.defaults(settings.topics(), settings.bootstrapServers(),
        BUCKET, "bench");
    try (S3Server server = S3Server.builder().filesystem(dir).credentials("bench", "bench-secret")
            .start();
        S3Client s3 = S3Clients.forEndpoint(server.endpoint(), server.region(), server.accessKey(),
            server.secretKey())) {
      server.createBucket(BUCKET);
      try (Pipeline pipeline = Pipeline.start(settings, snapshot, sink, s3,
          Files.createTempDirectory("tidemark-bench-spool-"), 1L << 34)) {
        awaitStreaming(pipeline);
        long started = System.nanoTime();
        SnapshotManifest manifest = pipeline.snapshotNow(Duration.ofMinutes(30));
        double inKafka = (System.nanoTime() - started) / 1e9;
        awaitSinkCaughtUp(pipeline, "the snapshot");
        record(results, manifest, (System.nanoTime() - started) / 1e9);
        results.put("kafka_seconds", inKafka).put("s3_bytes", directoryBytes(dir))
            .put("s3_objects", objectCount(dir));
        if (writeSeconds > 0) {
          archiveWrites(pipeline, dir.resolve(BUCKET), results);
        }
      }
    } finally {
      if (!keepS3) {
        deleteRecursively(dir);
      }
    }
  }

  /** Capture runs (its restart point is known), so the snapshot's start is not its start-up. */
  private static void awaitStreaming(Pipeline pipeline) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (pipeline.capture().orElseThrow().restartPoint().isEmpty()) {
      pipeline.throwIfFailed();
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("capture did not start streaming within 5 min");
      }
      TimeUnit.MILLISECONDS.sleep(50); // polling a condition with a deadline
    }
  }

  private static void awaitSinkCaughtUp(Pipeline pipeline, String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
    while (pipeline.sinkLag() > 0) {
      pipeline.throwIfFailed();
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(what + " did not reach S3 within 30 min");
      }
      TimeUnit.MILLISECONDS.sleep(50); // polling a condition with a deadline
    }
  }

  /**
   * The change stream after the snapshot: sysbench writes for {@code --write-seconds} while a
   * probe row is committed every 100 ms; then everything up to the source's last GTID is
   * archived, and each probe's commit→S3 latency is read from its bundle's file time.
   */
  private void archiveWrites(Pipeline pipeline, Path bucketDir, Results results)
      throws Exception {
    Sysbench load = Sysbench.on(source, "oltp_write_only", writeThreads);
    Path sysbenchLog = out.resolveSibling(out.getFileName() + ".sysbench.log");
    log.info("change stream: {} for {} s", load.describe(), writeSeconds);
    Duration duration = Duration.ofSeconds(writeSeconds);
    Sysbench.Result written;
    ProbeWriter probe = new ProbeWriter(source, (int) (writeSeconds * 10 + 100));
    try {
      Process writer = load.start(duration, sysbenchLog);
      probe.start(Duration.ofMillis(100));
      written = Sysbench.await(writer, duration, sysbenchLog);
    } finally {
      probe.close();
    }
    GtidSet last;
    try (Connection c = source.connect()) {
      last = Pipeline.sourceGtids(c);
    }
    long waited = System.nanoTime();
    pipeline.awaitArchived(last, Duration.ofMinutes(30));
    results.put("write_seconds", written.seconds())
        .put("write_transactions", written.transactions())
        .put("write_events", written.transactions() * Sysbench.ROWS_PER_TRANSACTION)
        .put("write_events_per_s", written.perSecond() * Sysbench.ROWS_PER_TRANSACTION)
        .put("write_ignored_errors", written.ignoredErrors())
        .put("archived_after_writes_s", (System.nanoTime() - waited) / 1e9);
    ProbeLatency.recordToS3(probe, bucketDir, FlushPolicy.DEFAULT.maxAge().plusSeconds(5),
        out.resolveSibling(out.getFileName() + ".probes-s3.csv"), results);
  }

  private static void record(Results results, SnapshotManifest manifest, double seconds) {
    long rows = manifest.getTables().stream().mapToLong(TableManifest::getRows).sum();
    int chunks = manifest.getTables().stream().mapToInt(TableManifest::getChunks).sum();
    log.info("snapshot {}: {} rows in {} chunks in {} s", manifest.getSnapshotId(), rows, chunks,
        seconds);
    results.put("rows", rows).put("chunks", chunks).put("seconds", seconds)
        .put("rows_per_s", rows / seconds);
  }

  private static long topicBytes(String bootstrap, String topic) throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      List<Integer> brokers = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).stream()
          .map(n -> n.id()).toList();
      return admin.describeLogDirs(brokers).allDescriptions().get(30, TimeUnit.SECONDS).values()
          .stream().flatMap(dirs -> dirs.values().stream())
          .flatMap(d -> d.replicaInfos().entrySet().stream())
          .filter(e -> e.getKey().topic().equals(topic))
          .mapToLong(e -> e.getValue().size()).sum();
    }
  }

  private static long directoryBytes(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  private static long objectCount(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).count();
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
