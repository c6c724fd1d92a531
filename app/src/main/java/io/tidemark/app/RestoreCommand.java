package io.tidemark.app;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tidemark.app.config.ConfigKey;
import io.tidemark.app.config.ConfigReader;
import io.tidemark.app.config.Repository;
import io.tidemark.restore.Restore;
import io.tidemark.restore.RestoreMismatchException;
import io.tidemark.restore.RestoreProgress;
import io.tidemark.restore.RestoreSettings;
import io.tidemark.restore.Until;
import io.tidemark.schemas.GtidSet;
import io.tidemark.schemas.MasterKey;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "restore", mixinStandardHelpOptions = true,
    description = {"Restores a snapshot (the latest by default) into a fresh server and replays"
        + " every change after it in source order, never splitting a source transaction;"
        + " to the end of the archive or to a point in time.",
        "Progress is checkpointed in the target: after a crash, --resume continues where it"
            + " stopped. Exit 3 when the loaded data differs from the snapshot's manifest."})
final class RestoreCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Option(names = "--target", paramLabel = "URL",
      description = "the fresh server, mysql://USER@HOST:PORT; the password from"
          + " TIDEMARK_TARGET_PASSWORD or --target-defaults-file")
  String target;

  @Option(names = "--target-defaults-file", paramLabel = "FILE",
      description = "my.cnf-style file with the target password in [client]")
  Path targetDefaultsFile;

  @Mixin RepositoryOption repository;

  @Option(names = "--snapshot", paramLabel = "ID", description = "start from this snapshot"
      + " (`tidemark list` shows them); default: the latest one before the stop point")
  String snapshot;

  @Option(names = "--until-time", paramLabel = "ISO-8601",
      description = "stop after the last transaction committed at or before this instant,"
          + " e.g. 2026-11-22T04:00:00Z")
  String untilTime;

  @Option(names = "--until-gtid", paramLabel = "GTID",
      description = "stop after the transaction with this GTID (domain-server-sequence)")
  String untilGtid;

  @Option(names = "--threads", paramLabel = "N",
      description = "connections loading the snapshot (restore.threads)")
  Integer threads;

  @Option(names = "--http", paramLabel = "HOST:PORT", description = "serve GET /status/restore"
      + " (and /status) with the progress on this address; default: not served")
  String http;

  @Option(names = "--resume", description = "continue the interrupted restore whose"
      + " checkpoint the target holds")
  boolean resume;

  @Override
  public Integer call() throws Exception {
    ConfigReader reader = config.read(ConfigOptions.flags(ConfigKey.REPOSITORY, repository.url,
        ConfigKey.RESTORE_THREADS, threads));
    Repository repo = reader.repository();
    RestoreSettings.Target to = ServerOptions.target(reader, target, targetDefaultsFile);
    int n = reader.intAtLeast(ConfigKey.RESTORE_THREADS, 1);
    Until until = until(reader);
    MasterKey key = reader.masterKey();
    Optional<InetSocketAddress> api = http == null ? Optional.empty()
        : reader.address("--http", http);
    Notifier notifier = new Notifier(Notifier.Settings.read(reader),
        reader.optional(ConfigKey.SOURCE_NAME).orElse("tidemark"));
    reader.check();
    try (RepositoryAccess access = RepositoryAccess.open(repo)) {
      RestoreSettings settings = new RestoreSettings(access.bucket(), access.prefix(), snapshot,
          to, n, until, resume, key);
      System.out.println("restoring " + repo + " into " + to + (until.isEnd() ? ""
          : " until " + until) + (resume ? " (resuming)" : ""));
      Restore restore = new Restore(settings, access.s3());
      Restore.Result r;
      try {
        r = run(restore, api);
      } catch (Exception e) {
        notifier.alert(e instanceof RestoreMismatchException ? "restore mismatched"
            : "restore failed", "restoring " + repo + " into " + to + ": "
            + Tidemark.describe(e));
        throw e;
      }
      System.out.println("restored snapshot " + r.snapshotId() + " (" + r.snapshotRows()
          + " rows, checksums match its manifest), then " + r.events() + " events in "
          + r.transactions() + " transactions; the target is at " + r.reached().format());
      return ExitCodes.OK;
    }
  }

  private static Restore.Result run(Restore restore, Optional<InetSocketAddress> api)
      throws Exception {
    Callable<Map<String, Object>> status = () -> ProgressBar.json(restore.progress().read());
    PrometheusMeterRegistry metrics = restoreMetrics(restore.progress());
    try (ProgressBar bar = new ProgressBar(restore.progress(), System.err,
            System.console() != null);
        StatusApi server = api.isEmpty() ? null : StatusApi.start(api.get(),
            new StatusApi.Routes(status, null, status, null, metrics))) {
      return restore.run();
    }
  }

  private static PrometheusMeterRegistry restoreMetrics(RestoreProgress progress) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Gauge.builder("tidemark_restore_phase", progress, p -> p.read().phase().ordinal())
        .description("0 plan, 1 schema, 2 load, 3 check, 4 replay, 5 done").register(registry);
    Gauge.builder("tidemark_restore_rows_loaded", progress, p -> p.read().rowsLoaded())
        .register(registry);
    Gauge.builder("tidemark_restore_rows_total", progress, p -> p.read().rowsTotal())
        .register(registry);
    Gauge.builder("tidemark_restore_events_replayed", progress, p -> p.read().events())
        .register(registry);
    return registry;
  }

  private Until until(ConfigReader reader) {
    if (untilTime != null && untilGtid != null) {
      reader.problem("--until-time and --until-gtid were both given: choose one stop point");
      return Until.END;
    }
    if (untilTime != null) {
      try {
        return new Until(Instant.parse(untilTime), null);
      } catch (DateTimeParseException e) {
        reader.problem("--until-time is '" + untilTime + "': write an ISO-8601 instant such as"
            + " 2026-11-22T04:00:00Z");
      }
    }
    if (untilGtid != null) {
      try {
        return new Until(null, GtidSet.parse(untilGtid));
      } catch (IllegalArgumentException e) {
        reader.problem("--until-gtid is '" + untilGtid + "': write a GTID such as 0-1-1234");
      }
    }
    return Until.END;
  }
}
