package io.tidemark.app;

import io.tidemark.app.config.ServerAddress;
import io.tidemark.capture.Capture;
import io.tidemark.capture.CaptureSettings;
import io.tidemark.capture.CaptureState;
import io.tidemark.capture.SnapshotSchedule;
import io.tidemark.restore.SnapshotCatalog;
import io.tidemark.schemas.SourcePosition;
import io.tidemark.schemas.TopicNames;
import io.tidemark.schemas.avro.SnapshotManifest;
import io.tidemark.sinks.Backoff;
import io.tidemark.sinks.SinkSettings;
import io.tidemark.testkit.KafkaBroker;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * {@code tidemark run}: the pipeline, the snapshot schedule, the status API and the alerts of
 * one process, until SIGTERM or SIGINT asks for the ordered shutdown (exit 0) or a stage fails
 * (exit 1).
 */
final class RunService {
  private static final Logger log = LoggerFactory.getLogger(RunService.class);
  private static final Duration SNAPSHOT_TIMEOUT = Duration.ofHours(12);
  private static final Duration CHECK_EVERY = Duration.ofSeconds(1);

  private final RunConfig config;
  private final PrintStream out;
  private final CountDownLatch stop = new CountDownLatch(1);

  RunService(RunConfig config, PrintStream out) {
    this.config = config;
    this.out = out;
  }

  int run() throws Exception {
    Signal.handle(new Signal("TERM"), s -> stop.countDown());
    Signal.handle(new Signal("INT"), s -> stop.countDown());
    Notifier notifier = new Notifier(config.alerts(), config.sourceName());
    TopicNames topics = new TopicNames(config.sourceName());
    if (config.role() == RunConfig.Role.ALL) {
      requireReadySource();
    }
    try (RepositoryAccess repo = RepositoryAccess.open(config.repository());
        KafkaBroker embedded = config.kafka().isEmpty()
            ? KafkaBroker.start(config.backupDir().resolve("kafka")) : null) {
      String kafka = config.kafka().orElseGet(() -> embedded.bootstrapServers());
      KafkaCheck.requireReachable(kafka);
      Optional<CaptureSettings> capture = captureSettings(topics, kafka);
      SinkSettings sink = SinkSettings.defaults(topics, kafka, repo.bucket(), repo.prefix())
          .withFlush(config.flush()).withMaxBufferedBytes(config.maxBuffered())
          .withSessionTimeout(config.sessionTimeout()).withCodec(config.codec())
          .withMasterKey(config.masterKey())
          .withBackoff(Backoff.DEFAULT, config.maxFailures());
      java.nio.file.Path spool = config.backupDir().resolve("spool").resolve(config.sourceName());
      try (Pipeline pipeline = capture.isPresent()
          ? Pipeline.start(capture.get(), config.snapshot(), sink, repo.s3(), spool,
              config.spoolMax())
          : Pipeline.sinkOnly(sink, repo.s3(), spool, config.spoolMax());
          SnapshotSchedule schedule = capture.isPresent() ? schedule(pipeline, repo) : null;
          RunMetrics metrics = new RunMetrics(pipeline, config.spoolMax());
          Drill drill = config.drillTarget().map(target -> new Drill(repo, target,
              config.drillInterval(), config.masterKey(), notifier, metrics.registry()))
              .orElse(null);
          StatusApi api = config.http().isPresent() ? StatusApi.start(config.http().get(),
              routes(pipeline, schedule, repo, metrics)) : null) {
        out.println("tidemark run: " + config.role().name().toLowerCase() + " for source '"
            + config.sourceName() + "' into " + config.repository() + " (Kafka " + kafka + ")"
            + (api == null ? "" : "; status on http://" + config.http().get().getHostString()
                + ":" + api.port() + "/status"));
        return watch(pipeline, metrics, notifier);
      }
    }
  }

  private Optional<CaptureSettings> captureSettings(TopicNames topics, String kafka) {
    if (config.role() == RunConfig.Role.SINK) {
      return Optional.empty();
    }
    CaptureSettings settings = new CaptureSettings(topics, config.source().host(),
        config.source().port(), config.source().user(), config.source().password(),
        config.serverId(), config.databases(), kafka, config.partitions(),
        config.replicationFactor(), config.pollInterval(),
        Duration.ofSeconds(10));
    return Optional.of(settings);
  }

  private void requireReadySource() {
    ServerAddress s = config.source();
    List<String> unmet = Capture.unmetRequirements(s.host(), s.port(), s.user(), s.password());
    if (!unmet.isEmpty()) {
      throw new IllegalStateException("the source " + s + " is not ready for capture:"
          + System.lineSeparator() + "  - " + String.join(System.lineSeparator() + "  - ", unmet));
    }
  }

  private SnapshotSchedule schedule(Pipeline pipeline, RepositoryAccess repo) {
    boolean none = SnapshotCatalog.read(repo.s3(), repo.bucket(), repo.prefix()).latest()
        .isEmpty();
    if (none) {
      log.info("the repository has no snapshot yet: taking the first one now");
    }
    return new SnapshotSchedule(() -> pipeline.snapshotNow(SNAPSHOT_TIMEOUT),
        config.snapshotInterval(), none);
  }

  /** Until asked to stop (exit 0) or a stage fails (exit 1), alerting on what goes wrong. */
  private int watch(Pipeline pipeline, RunMetrics metrics, Notifier notifier) throws Exception {
    Alerts alerts = new Alerts(notifier::alert, config.spoolMax());
    while (!stop.await(CHECK_EVERY.toMillis(), TimeUnit.MILLISECONDS)) {
      try {
        pipeline.throwIfFailed();
      } catch (Exception e) {
        notifier.alert(pipeline.capture().map(c -> c.state() == CaptureState.FAILED)
            .orElse(false) ? "capture stopped" : "sink stopped", Tidemark.describe(e));
        throw e;
      }
      metrics.refresh();
      alerts.check(pipeline.sinkStats(), pipeline.spoolBytes());
    }
    out.println("tidemark run: stopping (capture first, then the sinks write what they hold)");
    return ExitCodes.OK;
  }

  private StatusApi.Routes routes(Pipeline pipeline, SnapshotSchedule schedule,
      RepositoryAccess repo, RunMetrics metrics) {
    return new StatusApi.Routes(
        () -> status(pipeline, schedule, metrics, repo),
        () -> ArchiveSummary.read(repo).toJson(),
        null,
        schedule == null ? null : () -> {
          SnapshotManifest m = schedule.requestNow().get(SNAPSHOT_TIMEOUT.toMillis(),
              TimeUnit.MILLISECONDS);
          return Map.of("snapshot_id", m.getSnapshotId(),
              "position", SourcePosition.fromAvro(m.getPosition()).format());
        },
        metrics.registry());
  }

  private Map<String, Object> status(Pipeline pipeline, SnapshotSchedule schedule,
      RunMetrics metrics, RepositoryAccess repo) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("source", config.sourceName());
    s.put("role", config.role().name().toLowerCase());
    Optional<Capture> capture = pipeline.capture();
    s.put("mode", capture.map(c -> c.state().name().toLowerCase()).orElse("sink"));
    capture.flatMap(Capture::restartPoint).ifPresent(p -> {
      s.put("capture_position", p.format());
      s.put("capture_lag_seconds", metrics.captureLagSeconds());
    });
    s.put("sink_lag_events", metrics.sinkLag());
    s.put("spool_bytes", pipeline.spoolBytes());
    s.put("sink", pipeline.sinkStats());
    if (schedule != null) {
      schedule.lastSnapshot().ifPresent(m -> s.put("last_snapshot", m.getSnapshotId()));
      schedule.lastFailure().ifPresent(e -> s.put("last_snapshot_failure", e.getMessage()));
    }
    s.put("recoverable", ArchiveSummary.read(repo).toJson().get("recoverable"));
    return s;
  }
}
