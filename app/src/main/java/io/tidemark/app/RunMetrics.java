package io.tidemark.app;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tidemark.capture.Capture;
import io.tidemark.capture.CaptureState;
import io.tidemark.sinks.SinkStats;
import java.time.Duration;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The Prometheus metrics of a {@code run} process. */
final class RunMetrics implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RunMetrics.class);
  private static final Duration LAG_EVERY = Duration.ofSeconds(5);

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Pipeline pipeline;
  private volatile long sinkLag = -1;
  /** When the lag was last read; never compare with a sentinel: nanoTime differences wrap. */
  private long lagReadAt;

  RunMetrics(Pipeline pipeline, long spoolMax) {
    this.pipeline = pipeline;
    this.lagReadAt = System.nanoTime() - LAG_EVERY.toNanos(); // the first refresh reads it
    Gauge.builder("tidemark_capture_active", this,
        m -> m.pipeline.capture().map(c -> c.state() == CaptureState.ACTIVE ? 1 : 0).orElse(0))
        .description("1 while this process is the source's active capture").register(registry);
    Gauge.builder("tidemark_capture_lag_seconds", this, RunMetrics::captureLagSeconds)
        .description("age of the newest source commit capture has written to Kafka")
        .register(registry);
    Gauge.builder("tidemark_sink_lag_events", this, m -> m.sinkLag)
        .description("records in Kafka the sink group has not made durable").register(registry);
    Gauge.builder("tidemark_spool_bytes", pipeline, Pipeline::spoolBytes)
        .description("bytes waiting in the spool for the repository").register(registry);
    Gauge.builder("tidemark_spool_max_bytes", () -> spoolMax).register(registry);
    Gauge.builder("tidemark_bundles_held", pipeline, p -> p.sinkStats().bundlesHeld())
        .description("bundles neither the repository nor the spool could take; intake paused"
            + " while above 0").register(registry);
    counter("tidemark_records_taken", "records the sink read from Kafka, duplicates included",
        SinkStats::recordsTaken);
    counter("tidemark_entries_stored", "events and snapshot rows made durable",
        SinkStats::entriesStored);
    counter("tidemark_bundles_uploaded", "bundles written to the repository",
        SinkStats::bundlesUploaded);
    counter("tidemark_bundles_spooled", "bundles spooled because the repository failed",
        SinkStats::bundlesSpooled);
    counter("tidemark_bundles_drained", "spooled bundles uploaded later",
        SinkStats::bundlesDrained);
    counter("tidemark_dedupe_dropped", "change events dropped as already stored",
        SinkStats::duplicatesDropped);
    counter("tidemark_dedupe_cache_hits", "dedupe cache hits", SinkStats::dedupeCacheHits);
    counter("tidemark_dedupe_cache_misses", "dedupe cache misses", SinkStats::dedupeCacheMisses);
    counter("tidemark_dedupe_cache_evictions", "dedupe cache evictions",
        SinkStats::dedupeCacheEvictions);
  }

  private void counter(String name, String description, ToLongFunction<SinkStats> value) {
    FunctionCounter.builder(name, pipeline, p -> value.applyAsLong(p.sinkStats()))
        .description(description).register(registry);
  }

  PrometheusMeterRegistry registry() {
    return registry;
  }

  double captureLagSeconds() {
    return pipeline.capture().flatMap(Capture::restartPoint)
        .map(p -> (SystemClock.INSTANT.millis() - p.timestampMs()) / 1000.0).orElse(-1.0);
  }

  long sinkLag() {
    return sinkLag;
  }

  /** Reads the sink group's lag from Kafka, at most every few seconds. */
  void refresh() {
    long now = System.nanoTime();
    if (now - lagReadAt < LAG_EVERY.toNanos()) {
      return;
    }
    lagReadAt = now;
    try {
      sinkLag = pipeline.sinkLag();
    } catch (Exception e) {
      log.debug("cannot read the sink lag: {}", e.toString());
    }
  }

  @Override
  public void close() {
    registry.close();
  }
}
