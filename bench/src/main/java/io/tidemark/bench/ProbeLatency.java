package io.tidemark.bench;

import io.tidemark.schemas.BundleContent;
import io.tidemark.schemas.BundleReader;
import io.tidemark.schemas.avro.ChangeEvent;
import io.tidemark.schemas.avro.Operation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Commit→consumer latency of the probes: the whole path in nanoTime, and split at each probe
 * event's Kafka timestamp (wall ms, set when capture called {@code producer.send}).
 */
final class ProbeLatency {
  private ProbeLatency() {}

  /**
   * Writes every probe to {@code csv} and puts the percentiles of the probes sent at or after
   * {@code from} (nanoTime) into {@code results}.
   */
  static void record(ProbeWriter probe, ChangeTopicWatcher watcher, long from, Path csvFile,
      Results results) throws IOException {
    int n = probe.count();
    long[] commitToConsumer = new long[n];
    long[] sendToConsumer = new long[n];
    long[] commitRoundTrip = new long[n];
    long[] commitToProducer = new long[n];
    long[] producerToConsumer = new long[n];
    int measured = 0;
    int missing = 0;
    List<String> csv = new ArrayList<>(List.of(
        "id,sent_ns,committed_ns,arrived_ns,committed_wall_ms,kafka_timestamp_ms,arrived_wall_ms"));
    for (int id = 0; id < n; id++) {
      csv.add(id + "," + probe.sentAt(id) + "," + probe.committedAt(id) + ","
          + watcher.arrivedAt(id) + "," + probe.committedWallMs(id) + ","
          + watcher.sentWallMs(id) + "," + watcher.arrivedWallMs(id));
      if (probe.sentAt(id) < from) {
        continue;
      }
      if (watcher.arrivedAt(id) == 0) {
        missing++;
        continue;
      }
      commitToConsumer[measured] = Math.max(0, watcher.arrivedAt(id) - probe.committedAt(id));
      sendToConsumer[measured] = watcher.arrivedAt(id) - probe.sentAt(id);
      commitRoundTrip[measured] = probe.committedAt(id) - probe.sentAt(id);
      long millis = TimeUnit.MILLISECONDS.toNanos(1);
      commitToProducer[measured] =
          Math.max(0, watcher.sentWallMs(id) - probe.committedWallMs(id)) * millis;
      producerToConsumer[measured] =
          Math.max(0, watcher.arrivedWallMs(id) - watcher.sentWallMs(id)) * millis;
      measured++;
    }
    Files.write(csvFile, csv);
    Distribution latency = new Distribution(commitToConsumer, measured);
    Distribution fromSend = new Distribution(sendToConsumer, measured);
    Distribution commit = new Distribution(commitRoundTrip, measured);
    Distribution capturePart = new Distribution(commitToProducer, measured);
    Distribution kafkaPart = new Distribution(producerToConsumer, measured);
    results.put("probe_count", measured).put("probe_missing", missing)
        .put("latency_p50_ms", latency.percentileMs(50))
        .put("latency_p90_ms", latency.percentileMs(90))
        .put("latency_p99_ms", latency.percentileMs(99))
        .put("latency_p999_ms", latency.percentileMs(99.9))
        .put("latency_max_ms", latency.maxMs())
        .put("latency_from_send_p99_ms", fromSend.percentileMs(99))
        // Split at the record's Kafka timestamp (ms): binlog read, Debezium queue and our
        // conversion up to producer.send, then batching, acks, broker and the consumer's fetch.
        .put("latency_commit_to_producer_p50_ms", capturePart.percentileMs(50))
        .put("latency_commit_to_producer_p99_ms", capturePart.percentileMs(99))
        .put("latency_producer_to_consumer_p50_ms", kafkaPart.percentileMs(50))
        .put("latency_producer_to_consumer_p99_ms", kafkaPart.percentileMs(99))
        .put("probe_commit_rtt_p50_ms", commit.percentileMs(50))
        .put("probe_commit_rtt_p99_ms", commit.percentileMs(99));
  }

  /**
   * Commit→S3 latency: for each probe insert in the change bundles under {@code bucketDir} (a
   * filesystem-backed S3 store), the bundle file's modification time (when it became durable)
   * minus the probe's commit time, both wall clock in ms. Besides all probes, the steady state:
   * the probes committed at least {@code tail} before the last one, because the last partial
   * batch of a load that stops waits for the age flush.
   */
  static void recordToS3(ProbeWriter probe, Path bucketDir, Duration tail, Path csvFile,
      Results results) throws IOException {
    long[] durableMs = new long[probe.count()];
    List<Path> bundles;
    try (Stream<Path> files = Files.walk(bucketDir)) {
      bundles = files.filter(f -> f.toString().endsWith(".avro")
          && f.toString().contains("/changes/")).toList();
    }
    for (Path bundle : bundles) {
      long modified = Files.getLastModifiedTime(bundle).toMillis();
      try (BundleReader<ChangeEvent> events = new BundleReader<>(BundleContent.CHANGES,
          Files.newInputStream(bundle), bundle.toString())) {
        while (events.hasNext()) {
          ChangeEvent e = events.next();
          if (ProbeWriter.TABLE.equals(e.getTable()) && e.getOperation() == Operation.INSERT) {
            int id = (int) (long) (Long) e.getAfter().stream()
                .filter(c -> c.getName().equals("id")).findFirst().orElseThrow().getValue();
            if (id < durableMs.length && durableMs[id] == 0) {
              durableMs[id] = modified;
            }
          }
        }
      }
    }
    int n = probe.count();
    long steadyUntil = n == 0 ? 0 : probe.committedWallMs(n - 1) - tail.toMillis();
    long[] all = new long[n];
    long[] steady = new long[n];
    int measured = 0;
    int steadyCount = 0;
    List<String> csv = new ArrayList<>(List.of("id,committed_wall_ms,durable_ms"));
    for (int id = 0; id < n; id++) {
      csv.add(id + "," + probe.committedWallMs(id) + "," + durableMs[id]);
      if (durableMs[id] == 0) {
        continue;
      }
      long nanos = TimeUnit.MILLISECONDS.toNanos(
          Math.max(0, durableMs[id] - probe.committedWallMs(id)));
      all[measured++] = nanos;
      if (probe.committedWallMs(id) <= steadyUntil) {
        steady[steadyCount++] = nanos;
      }
    }
    Files.write(csvFile, csv);
    Distribution toS3 = new Distribution(all, measured);
    Distribution steadyToS3 = new Distribution(steady, steadyCount);
    results.put("s3_probe_count", measured).put("s3_probe_missing", n - measured)
        .put("commit_to_s3_p50_ms", toS3.percentileMs(50))
        .put("commit_to_s3_p99_ms", toS3.percentileMs(99))
        .put("commit_to_s3_max_ms", toS3.maxMs())
        .put("commit_to_s3_steady_probes", steadyCount)
        .put("commit_to_s3_steady_p50_ms", steadyToS3.percentileMs(50))
        .put("commit_to_s3_steady_p90_ms", steadyToS3.percentileMs(90))
        .put("commit_to_s3_steady_p99_ms", steadyToS3.percentileMs(99));
  }
}
