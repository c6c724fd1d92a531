package io.tidemark.app;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tidemark.restore.Restore;
import io.tidemark.restore.RestoreSettings;
import io.tidemark.restore.SnapshotCatalog;
import io.tidemark.schemas.MasterKey;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restore drills: on a schedule, the latest backup is restored into a scratch server (emptied
 * first) and checked against its snapshot's manifest. Each drill records RTO (how long the
 * restore took) and RPO (the age of the newest restored transaction when it finished); a failed
 * drill alerts.
 */
final class Drill implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Drill.class);

  private final RepositoryAccess repo;
  private final RestoreSettings.Target scratch;
  private final MasterKey masterKey;
  private final Notifier notifier;
  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(
      r -> new Thread(r, "tidemark-drill"));
  private final Counter failures;
  private volatile double rtoSeconds = -1;
  private volatile double rpoSeconds = -1;
  private volatile long lastSuccessMs;

  Drill(RepositoryAccess repo, RestoreSettings.Target scratch, Duration interval,
      MasterKey masterKey, Notifier notifier, MeterRegistry metrics) {
    this.repo = repo;
    this.scratch = scratch;
    this.masterKey = masterKey;
    this.notifier = notifier;
    this.failures = Counter.builder("tidemark_drill_failures")
        .description("restore drills that failed").register(metrics);
    Gauge.builder("tidemark_drill_rto_seconds", this, d -> d.rtoSeconds)
        .description("duration of the last successful restore drill").register(metrics);
    Gauge.builder("tidemark_drill_rpo_seconds", this, d -> d.rpoSeconds)
        .description("age of the newest transaction the last successful drill restored")
        .register(metrics);
    Gauge.builder("tidemark_drill_last_success_timestamp_seconds", this,
        d -> d.lastSuccessMs / 1000.0).register(metrics);
    thread.scheduleWithFixedDelay(this::drillQuietly, interval.toMillis(), interval.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private void drillQuietly() {
    try {
      drill();
    } catch (Exception e) {
      failures.increment();
      notifier.alert("restore drill failed", "restoring the latest backup into " + scratch
          + " failed: " + Tidemark.describe(e));
    }
  }

  private void drill() throws Exception {
    if (SnapshotCatalog.read(repo.s3(), repo.bucket(), repo.prefix()).latest().isEmpty()) {
      log.info("no snapshot in the repository yet; the restore drill waits for one");
      return;
    }
    Restore.resetScratchTarget(scratch);
    long started = System.nanoTime();
    Restore.Result r = new Restore(new RestoreSettings(repo.bucket(), repo.prefix(), null,
        scratch, 2).withMasterKey(masterKey), repo.s3()).run();
    rtoSeconds = (System.nanoTime() - started) / 1e9;
    lastSuccessMs = SystemClock.INSTANT.millis();
    rpoSeconds = (lastSuccessMs - r.reached().timestampMs()) / 1000.0;
    log.info("restore drill into {} passed: snapshot {} + {} events; RTO {} s, RPO {} s",
        scratch, r.snapshotId(), r.events(), Math.round(rtoSeconds), Math.round(rpoSeconds));
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
