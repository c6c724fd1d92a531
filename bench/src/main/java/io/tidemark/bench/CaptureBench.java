package io.tidemark.bench;

import io.tidemark.capture.Capture;
import io.tidemark.capture.CaptureSettings;
import io.tidemark.schemas.GtidSet;
import io.tidemark.testkit.KafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Capture under a sysbench write load, in two phases on one in-JVM broker.
 *
 * <ol>
 *   <li>Warm-up: sysbench writes for a few seconds and capture drains it (JIT, broker, caches).
 *   <li>Steady: capture streams while sysbench writes for the duration and a probe writer
 *       commits a row every few ms; a consumer of the change topic timestamps each probe's
 *       arrival. Reports commit→Kafka-consumer latency percentiles, events/s forwarded,
 *       capture's lag in transactions, and how long it needed to drain after the load.
 *   <li>Catch-up: capture stops, sysbench writes a backlog, capture starts again and resumes from
 *       its Kafka offsets; the time from its start to the producer timestamp of the backlog's last
 *       row change in Kafka gives row events/s from a backlog.
 * </ol>
 */
@Command(name = "capture", mixinStandardHelpOptions = true,
    description = "Commit→Kafka latency, throughput and catch-up under a sysbench write load.")
final class CaptureBench implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(CaptureBench.class);
  private static final Duration WAIT = Duration.ofMinutes(10);
  /** Records read back from the end of each partition to find the last row change. */
  private static final int TAIL_RECORDS = 1_000;

  @Mixin SourceOptions source;

  @Option(names = "--out", required = true, description = "results file (key=value lines)")
  Path out;

  @Option(names = "--duration", defaultValue = "60", description = "measured load seconds")
  int duration;

  @Option(names = "--warmup", defaultValue = "60",
      description = "unmeasured load seconds first, drained before the measured load starts")
  int warmup;

  @Option(names = "--backlog", defaultValue = "60", description = "seconds of load written while"
      + " capture is stopped, for the catch-up phase; 0 skips it")
  int backlog;

  @Option(names = "--threads", defaultValue = "4",
      description = "sysbench threads; 0 runs the probes alone (the pipeline's latency floor)")
  int threads;

  @Option(names = "--workload", defaultValue = "oltp_write_only", description = "sysbench workload")
  String workload;

  @Option(names = "--probe-period-ms", defaultValue = "10", description = "ms between probe rows")
  int probePeriodMs;

  @Option(names = "--poll-interval-ms", defaultValue = "" + CaptureSettings.POLL_INTERVAL_MS,
      description = "capture's poll interval (CaptureSettings.pollInterval)")
  int pollIntervalMs;

  @Option(names = "--heartbeat-ms", defaultValue = "500", description = "capture's heartbeat")
  int heartbeatMs;

  @Option(names = "--partitions", defaultValue = "3", description = "change topic partitions")
  int partitions;

  private final Results results = new Results();
  private final AtomicReference<Capture> capture = new AtomicReference<>();
  private Path dir;
  private String prefix;

  @Override
  public Integer call() throws Exception {
    dir = out.toAbsolutePath().getParent();
    prefix = out.getFileName().toString().replaceFirst("\\.txt$", "");
    Files.createDirectories(dir);
    Sysbench load = Sysbench.on(source, workload, threads);
    ProbeWriter.createTable(source);
    results.put("capture_load", load.describe().replace(' ', ','))
        .put("capture_poll_interval_ms", pollIntervalMs).put("capture_partitions", partitions);
    try (KafkaBroker kafka = KafkaBroker.start()) {
      CaptureSettings settings = source.capture(kafka.bootstrapServers(), partitions,
          Duration.ofMillis(pollIntervalMs), Duration.ofMillis(heartbeatMs));
      try (Progress progress = new Progress(kafka.bootstrapServers(), source,
          settings.topics().changes(), capture::get)) {
        startCapture(settings, progress);
        steady(load, settings, progress);
        if (backlog > 0 && threads > 0) {
          catchUp(load, settings, progress);
        }
      } finally {
        stopCapture();
        ProbeWriter.dropTable(source);
      }
    }
    results.write(out);
    return 0;
  }

  private void startCapture(CaptureSettings settings, Progress progress) throws Exception {
    capture.set(Capture.start(settings));
    GtidSet now = progress.sourceGtids();
    awaitCaptured(now, progress, "capture to stream");
  }

  private void stopCapture() throws Exception {
    Capture c = capture.getAndSet(null);
    if (c != null) {
      c.close();
    }
  }

  private void steady(Sysbench load, CaptureSettings settings, Progress progress)
      throws Exception {
    if (warmup > 0 && threads > 0) {
      log.info("warm-up: {} for {} s", load.describe(), warmup);
      Duration time = Duration.ofSeconds(warmup);
      Path sysLog = dir.resolve(prefix + "-sysbench-warmup.log");
      Sysbench.await(load.start(time, sysLog), time, sysLog);
      awaitCaptured(progress.sourceGtids(), progress, "capture to drain the warm-up load");
    }
    // Without a write load the warm-up is the probes' own first seconds, left out of the stats.
    int probeWarmup = threads > 0 ? 0 : warmup;
    int capacity = (int) ((probeWarmup + duration + 120L) * 1000 / probePeriodMs);
    Duration total = Duration.ofSeconds(duration);
    log.info("steady phase: {} for {} s, a probe every {} ms", load.describe(), duration,
        probePeriodMs);
    ChangeTopicWatcher watcher = new ChangeTopicWatcher(settings.bootstrapServers(),
        settings.topics().changes(), source.database, capacity);
    Thread watcherThread = new Thread(watcher, "bench-change-watcher");
    watcherThread.start();
    watcher.awaitPositioned(Duration.ofSeconds(60));
    Progress.Timeline timeline = progress.timeline(Duration.ofMillis(250));
    ProbeWriter probe = new ProbeWriter(source, capacity);
    ThreadCpu cpu = ThreadCpu.start();
    long loadStart = System.nanoTime();
    Path sysLog = dir.resolve(prefix + "-sysbench-steady.log");
    Process sysbench = threads > 0 ? load.start(total, sysLog) : null;
    probe.start(Duration.ofMillis(probePeriodMs));
    Sysbench.Result done;
    if (sysbench != null) {
      done = Sysbench.await(sysbench, total, sysLog);
    } else {
      TimeUnit.SECONDS.sleep(probeWarmup + duration); // the probes alone, for a fixed time
      done = new Sysbench.Result(0, 0, 0, duration);
    }
    long loadEnd = System.nanoTime();
    probe.close();
    double cores = cpu.processCores();
    var threadCpu = cpu.topGroupsMs(10);
    GtidSet end;
    try (var c = source.connect()) {
      end = io.tidemark.app.Pipeline.sourceGtids(c);
    }
    long drainStart = System.nanoTime();
    awaitCaptured(end, progress, "capture to drain the steady load");
    long drained = System.nanoTime();
    await(() -> watcher.probes() >= probe.count(), "every probe to reach the consumer");
    List<Progress.Sample> samples = timeline.stop();
    watcher.close();
    watcherThread.join(TimeUnit.SECONDS.toMillis(30));
    Progress.writeCsv(samples, loadStart, dir.resolve(prefix + "-timeline.csv"));

    long measureFrom = loadStart + TimeUnit.SECONDS.toNanos(probeWarmup);
    results.put("steady_sysbench_tps", done.perSecond())
        .put("steady_sysbench_transactions", done.transactions())
        .put("steady_sysbench_ignored_errors", done.ignoredErrors())
        .put("steady_source_rows_per_s_est", done.perSecond() * Sysbench.ROWS_PER_TRANSACTION);
    forwarded(samples, measureFrom, loadEnd);
    ProbeLatency.record(probe, watcher, measureFrom, dir.resolve(prefix + "-probes.csv"),
        results);
    results.put("steady_drain_ms", (drained - drainStart) / 1_000_000)
        .put("steady_jvm_cpu_cores", cores);
    threadCpu.forEach((group, ms) -> results.put("steady_thread_cpu_ms." + group, ms));
  }

  /** Events/s Kafka gained and capture's lag over [from, to]. */
  private void forwarded(List<Progress.Sample> samples, long from, long to) {
    Progress.Sample first = null;
    Progress.Sample last = null;
    long maxLag = 0;
    for (Progress.Sample s : samples) {
      if (s.nanos() < from || s.nanos() > to) {
        continue;
      }
      first = first == null ? s : first;
      last = s;
      if (s.captureSeq() >= 0) {
        maxLag = Math.max(maxLag, s.sourceSeq() - s.captureSeq());
      }
    }
    if (first == null || last == first) {
      throw new IllegalStateException("no progress samples during the measured load");
    }
    double seconds = (last.nanos() - first.nanos()) / 1e9;
    results.put("steady_forwarded_events_per_s", (last.endOffsets() - first.endOffsets()) / seconds)
        .put("steady_source_trx_per_s", (last.sourceSeq() - first.sourceSeq()) / seconds)
        .put("steady_max_lag_trx", maxLag)
        .put("steady_end_lag_trx", last.sourceSeq() - last.captureSeq());
  }

  private void catchUp(Sysbench load, CaptureSettings settings, Progress progress)
      throws Exception {
    stopCapture();
    long before = progress.endOffsets();
    long fromSeq = progress.sourceSeq();
    log.info("catch-up phase: capture stopped; {} s of backlog", backlog);
    Duration time = Duration.ofSeconds(backlog);
    Path sysLog = dir.resolve(prefix + "-sysbench-backlog.log");
    Sysbench.Result written = Sysbench.await(load.start(time, sysLog), time, sysLog);
    GtidSet target = progress.sourceGtids();
    long toSeq = target.sequenceByDomain().getOrDefault(0L, 0L);

    ThreadCpu cpu = ThreadCpu.start();
    long started = System.nanoTime();
    long startedMs = System.currentTimeMillis();
    capture.set(Capture.start(settings));
    long firstEvent = 0;
    long deadline = started + WAIT.toNanos();
    while (!progress.captured(target)) {
      failIfStopped(deadline, "capture to catch up with GTID " + target);
      if (firstEvent == 0 && progress.endOffsets() != before) {
        firstEvent = System.nanoTime();
      }
      TimeUnit.MILLISECONDS.sleep(50); // polling a condition with a deadline
    }
    long coveredAt = System.nanoTime();
    double cpuSeconds = cpu.processCores() * (coveredAt - started) / 1e9;
    var threadCpu = cpu.topGroupsMs(10);
    // The end is the last row change's arrival in Kafka, not the moment the restart point covers
    // the target: that waits for the next binlog event after the backlog's last commit, on a
    // quiet source the server's heartbeat, up to 8 s later (EngineProperties.MIN_KEEP_ALIVE).
    long lastChangeMs = progress.newestChangeMillis(TAIL_RECORDS);
    long rows = (toSeq - fromSeq) * Sysbench.ROWS_PER_TRANSACTION;
    double total = (lastChangeMs - startedMs) / 1e3;
    double toFirst = firstEvent == 0 ? 0 : (firstEvent - started) / 1e9;
    results.put("backlog_seconds", backlog)
        .put("backlog_sysbench_tps", written.perSecond())
        .put("backlog_transactions", toSeq - fromSeq)
        .put("backlog_events", progress.endOffsets() - before)
        .put("backlog_events_expected", rows)
        .put("catchup_s", total)
        .put("catchup_start_to_first_event_s", toFirst)
        .put("catchup_events_per_s", rows / total)
        .put("catchup_streaming_events_per_s", rows / (total - toFirst))
        .put("catchup_position_covered_s", (coveredAt - started) / 1e9)
        .put("catchup_jvm_cpu_s", cpuSeconds)
        .put("catchup_jvm_cpu_us_per_event", cpuSeconds * 1e6 / rows);
    threadCpu.forEach((group, ms) -> results.put("catchup_thread_cpu_ms." + group, ms));
    log.info(String.format(Locale.ROOT, "caught up: %d row events in %.1f s", rows, total));
  }

  private void awaitCaptured(GtidSet gtids, Progress progress, String what) throws Exception {
    await(() -> progress.captured(gtids), what);
  }

  private void await(java.util.function.BooleanSupplier condition, String what) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      failIfStopped(deadline, what);
      TimeUnit.MILLISECONDS.sleep(10); // polling a condition with a deadline
    }
  }

  private void failIfStopped(long deadline, String what) {
    Capture c = capture.get();
    if (c != null && c.failure().isPresent()) {
      throw new IllegalStateException("capture failed while waiting for " + what,
          c.failure().get());
    }
    if (System.nanoTime() > deadline) {
      throw new IllegalStateException("timed out after " + WAIT + " waiting for " + what);
    }
  }
}
