package io.tidemark.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tidemark.capture.CaptureSettings;
import io.tidemark.capture.SnapshotSettings;
import io.tidemark.restore.BundleCatalog;
import io.tidemark.restore.Restore;
import io.tidemark.restore.RestoreSettings;
import io.tidemark.restore.TableChecksums;
import io.tidemark.filecache.Spool;
import io.tidemark.filecache.SpoolEntry;
import io.tidemark.schemas.BundleMetadata;
import io.tidemark.schemas.TopicNames;
import io.tidemark.sinks.Backoff;
import io.tidemark.sinks.FlushPolicy;
import io.tidemark.sinks.SinkSettings;
import io.tidemark.testkit.KafkaBroker;
import io.tidemark.testkit.MariaDbServer;
import io.tidemark.testkit.S3Server;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * S3 fails in the middle of a stream: bundles go to the spool, offsets are committed only once
 * they are there, and when S3 is back the spool drains in order. The bucket then holds every
 * Kafka offset of the change topic exactly once, and a restore equals the source.
 */
class S3OutageIT {
  private static KafkaBroker kafka;
  private static S3Server s3Server;
  private static MariaDbServer source;
  private static S3Client s3;

  @TempDir Path spool;

  @BeforeAll
  static void startServices() {
    kafka = KafkaBroker.start();
    s3Server = S3Server.builder().credentials("outage", "outage-secret").start();
    source = MariaDbServer.builder().serverId(21).start();
    source.createCaptureUser("tidemark", "capture-pw");
    s3 = S3Clients.forEndpoint(s3Server.endpoint(), s3Server.region(), s3Server.accessKey(),
        s3Server.secretKey());
  }

  @AfterAll
  static void stopServices() {
    for (AutoCloseable c : new AutoCloseable[] {s3, source, s3Server, kafka}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception ignored) {
        // best effort: the next service still gets closed
      }
    }
  }

  @Test
  void anOutageSpoolsThenDrainsAndTheBucketHoldsEveryOffsetOnce() throws Exception {
    Fixture f = new Fixture("outage", Integer.MAX_VALUE);
    try (Pipeline pipeline = f.start()) {
      pipeline.snapshotNow(Duration.ofSeconds(60));
      f.write(0, 50);
      s3Server.stop();
      f.write(50, 150);
      await().atMost(60, TimeUnit.SECONDS).until(() -> spooled() > 0);
      s3Server.start();
      f.write(150, 200);
      f.awaitArchived(pipeline);
      await().atMost(60, TimeUnit.SECONDS).until(() -> spooled() == 0);
    }
    f.assertEveryOffsetOnceAndRestoreEqualsSource();
  }

  @Test
  void consecutiveFailuresShutTheSinkDownInOrderAndARestartDrainsTheSpoolFirst() throws Exception {
    Fixture f = new Fixture("shutdown", 3);
    try (Pipeline pipeline = f.start()) {
      pipeline.snapshotNow(Duration.ofSeconds(60));
      s3Server.stop();
      f.write(0, 100);
      await().atMost(90, TimeUnit.SECONDS).until(() -> pipeline.sinkFailure().isPresent());
      assertThat(pipeline.sinkFailure().get()).hasMessageContaining("failed in a row");
      assertThat(spooled()).isPositive();
      s3Server.start();
      f.assertCommittedOffsetsAreInSpoolOrBucket();
    } finally {
      if (!s3Server.isRunning()) {
        s3Server.start();
      }
    }
    try (Pipeline pipeline = f.start()) {
      f.awaitArchived(pipeline);
      assertThat(spooled()).isZero();
    }
    f.assertEveryOffsetOnceAndRestoreEqualsSource();
  }

  private long spooled() throws IOException {
    try (Stream<Path> files = Files.list(spool)) {
      return files.filter(p -> p.toString().endsWith(".spool")).count();
    }
  }

  /** One source database, topics and bucket per test. */
  private final class Fixture {
    final String db;
    final String bucket;
    final TopicNames topics;
    final CaptureSettings capture;
    final SinkSettings sink;

    Fixture(String name, int maxFailures) {
      db = source.createDatabase(name);
      bucket = name + "-" + UUID.randomUUID().toString().substring(0, 8);
      s3Server.createBucket(bucket);
      source.execute("CREATE TABLE " + db + ".item (id INT PRIMARY KEY, note VARCHAR(40))");
      topics = new TopicNames(name + UUID.randomUUID().toString().substring(0, 6));
      capture = new CaptureSettings(topics, "127.0.0.1", source.port(), "tidemark", "capture-pw",
          5420 + maxFailures % 7, List.of(db), kafka.bootstrapServers(), 2, (short) 1,
          Duration.ofMillis(50), Duration.ofMillis(200));
      sink = SinkSettings.defaults(topics, kafka.bootstrapServers(), bucket, "repo")
          .withFlush(new FlushPolicy(20, 1L << 20, Duration.ofMillis(300)))
          .withBackoff(new Backoff(Duration.ofMillis(20), Duration.ofMillis(100), 0.2, 2),
              maxFailures);
    }

    Pipeline start() throws IOException {
      return Pipeline.start(capture, SnapshotSettings.DEFAULT, sink, s3, spool, 1L << 30);
    }

    void write(int from, int to) {
      for (int i = from; i < to; i++) {
        source.execute("INSERT INTO " + db + ".item VALUES (" + i + ", 'n" + i + "')",
            "UPDATE " + db + ".item SET note = 'u" + i + "' WHERE id = " + i / 2);
      }
    }

    void awaitArchived(Pipeline pipeline) throws Exception {
      try (Connection c = source.connection()) {
        pipeline.awaitArchived(Pipeline.sourceGtids(c), Duration.ofSeconds(120));
      }
    }

    /** The invariant of the sink: spool + bucket hold every committed offset, with no gap. */
    void assertCommittedOffsetsAreInSpoolOrBucket() throws Exception {
      Map<Integer, List<Long>> durable = bucketOffsets();
      Spool spooled = Spool.open(spool, 1L << 30);
      for (SpoolEntry e : spooled.entries()) {
        if (e.key().contains("/changes/")) {
          BundleMetadata meta = BundleMetadata.of(spooled.read(e), e.key());
          meta.offsetRuns().iterator().forEachRemaining((long o) ->
              durable.computeIfAbsent(meta.partition(), p -> new ArrayList<>()).add(o));
        }
      }
      try (Admin admin = admin()) {
        Map<TopicPartition, OffsetAndMetadata> committed = admin
            .listConsumerGroupOffsets(sink.groupId()).partitionsToOffsetAndMetadata().get();
        for (int p = 0; p < 2; p++) {
          OffsetAndMetadata c = committed.get(new TopicPartition(topics.changes(), p));
          long upTo = c == null ? 0 : c.offset();
          assertThat(durable.getOrDefault(p, List.of())).as("durable offsets of partition %d", p)
              .doesNotHaveDuplicates().containsAll(
                  java.util.stream.LongStream.range(0, upTo).boxed().toList());
        }
      }
    }

    Map<Integer, List<Long>> bucketOffsets() {
      Map<Integer, List<Long>> offsets = new TreeMap<>();
      BundleCatalog.read(s3, bucket, "repo").bundlesByPartition().forEach((partition, keys) -> {
        for (String key : keys) {
          BundleMetadata meta = BundleMetadata.of(
              s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray(), key);
          meta.offsetRuns().iterator().forEachRemaining((long o) ->
              offsets.computeIfAbsent(meta.partition(), p -> new ArrayList<>()).add(o));
        }
      });
      return offsets;
    }

    void assertEveryOffsetOnceAndRestoreEqualsSource() throws Exception {
      Map<Integer, List<Long>> offsets = bucketOffsets();
      try (Admin admin = admin()) {
        for (var end : admin.listOffsets(Map.of(
            new TopicPartition(topics.changes(), 0), OffsetSpec.latest(),
            new TopicPartition(topics.changes(), 1), OffsetSpec.latest())).all().get().entrySet()) {
          List<Long> got = offsets.getOrDefault(end.getKey().partition(), List.of());
          assertThat(got).as("offsets of %s in the bucket", end.getKey())
              .doesNotHaveDuplicates().hasSize((int) end.getValue().offset());
        }
      }
      try (MariaDbServer target = MariaDbServer.builder().serverId(29).start()) {
        new Restore(new RestoreSettings(bucket, "repo", null, new RestoreSettings.Target(
            "127.0.0.1", target.port(), "root", ""), 2), s3).run();
        try (Connection s = source.connection(); Connection t = target.connection()) {
          assertThat(TableChecksums.of(t, List.of(db))).isEqualTo(TableChecksums.of(s, List.of(db)));
        }
      }
    }

    private Admin admin() {
      return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }
  }
}
