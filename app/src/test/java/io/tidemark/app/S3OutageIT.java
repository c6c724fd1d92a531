package io.tidemark.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tidemark.capture.CaptureSettings;
import io.tidemark.capture.SnapshotSettings;
import io.tidemark.restore.BundleCatalog;
import io.tidemark.filecache.Spool;
import io.tidemark.filecache.SpoolEntry;
import io.tidemark.schemas.BundleContent;
import io.tidemark.schemas.BundleMetadata;
import io.tidemark.schemas.BundleReader;
import io.tidemark.schemas.KafkaCodec;
import io.tidemark.schemas.SourcePosition;
import io.tidemark.schemas.TopicNames;
import io.tidemark.schemas.avro.ChangeEvent;
import io.tidemark.schemas.avro.Operation;
import io.tidemark.sinks.Backoff;
import io.tidemark.sinks.FlushPolicy;
import io.tidemark.sinks.SinkSettings;
import io.tidemark.testkit.MariaDbServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * S3 fails in the middle of a stream: bundles go to the spool, offsets are committed only once
 * they are there, and when S3 is back the spool drains in order. The bucket then holds every
 * Kafka offset of the change topic exactly once, and a restore equals the source.
 */
class S3OutageIT {
  @RegisterExtension
  static final ArchiveServices services =
      ArchiveServices.withCredentials("outage", "outage-secret").source(21).captureUser();

  @TempDir Path spool;

  @Test
  void anOutageSpoolsThenDrainsAndTheBucketHoldsEveryOffsetOnce() throws Exception {
    Fixture f = new Fixture("outage", Integer.MAX_VALUE);
    try (Pipeline pipeline = f.start()) {
      pipeline.snapshotNow(Duration.ofSeconds(60));
      f.write(0, 50);
      services.s3Server().stop();
      f.write(50, 150);
      await().atMost(60, TimeUnit.SECONDS).until(() -> spooled() > 0);
      services.s3Server().start();
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
      services.s3Server().stop();
      f.write(0, 100);
      await().atMost(90, TimeUnit.SECONDS).until(() -> pipeline.sinkFailure().isPresent());
      assertThat(pipeline.sinkFailure().get()).hasMessageContaining("failed in a row");
      assertThat(spooled()).isPositive();
      services.s3Server().start();
      f.assertCommittedOffsetsAreInSpoolOrBucket();
    } finally {
      if (!services.s3Server().isRunning()) {
        services.s3Server().start();
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
      db = services.source().createDatabase(name);
      bucket = services.freshBucket(name);
      services.source().execute("CREATE TABLE " + db + ".item (id INT PRIMARY KEY, note VARCHAR(40))");
      topics = ArchiveServices.freshTopics(name);
      capture = services.capture(topics, 5420 + maxFailures % 7, db, 2);
      sink = services.sink(topics, bucket)
          .withFlush(new FlushPolicy(20, 1L << 20, Duration.ofMillis(300)))
          .withBackoff(new Backoff(Duration.ofMillis(20), Duration.ofMillis(100), 0.2, 2),
              maxFailures);
    }

    Pipeline start() throws IOException {
      return Pipeline.start(capture, SnapshotSettings.DEFAULT, sink, services.s3(), spool, 1L << 30);
    }

    void write(int from, int to) {
      for (int i = from; i < to; i++) {
        services.source().execute("INSERT INTO " + db + ".item VALUES (" + i + ", 'n" + i + "')",
            "UPDATE " + db + ".item SET note = 'u" + i + "' WHERE id = " + i / 2);
      }
    }

    void awaitArchived(Pipeline pipeline) throws Exception {
      try (Connection c = services.source().connection()) {
        pipeline.awaitArchived(Pipeline.sourceGtids(c), Duration.ofSeconds(120));
      }
    }

    /**
     * The invariant of the sink: every event Kafka holds below the group's committed offset is
     * in the spool or the bucket. Compared by source position: transaction markers take
     * offsets, and replays capture sent twice are dropped on purpose.
     */
    void assertCommittedOffsetsAreInSpoolOrBucket() throws Exception {
      Map<Integer, List<SourcePosition>> durable = bucketPositions();
      Spool spooled = Spool.open(spool, 1L << 30);
      for (SpoolEntry e : spooled.entries()) {
        if (e.key().contains("/changes/")) {
          byte[] bytes = spooled.read(e);
          int partition = BundleMetadata.of(bytes, e.key()).partition();
          durable.computeIfAbsent(partition, x -> new ArrayList<>()).addAll(events(bytes, e.key()));
        }
      }
      try (Admin admin = admin()) {
        Map<TopicPartition, OffsetAndMetadata> committed = admin
            .listConsumerGroupOffsets(sink.groupId()).partitionsToOffsetAndMetadata().get();
        Map<Integer, Map<Long, SourcePosition>> topic = topicEvents();
        for (int p = 0; p < 2; p++) {
          OffsetAndMetadata c = committed.get(new TopicPartition(topics.changes(), p));
          long upTo = c == null ? 0 : c.offset();
          List<SourcePosition> owed = topic.getOrDefault(p, Map.of()).entrySet().stream()
              .filter(e -> e.getKey() < upTo).map(Map.Entry::getValue).toList();
          assertThat(durable.getOrDefault(p, List.of())).as("durable events of partition %d", p)
              .doesNotHaveDuplicates().containsAll(owed);
        }
      }
    }

    /** Every event of each partition, by source position, from the bucket's bundles. */
    Map<Integer, List<SourcePosition>> bucketPositions() throws Exception {
      Map<Integer, List<SourcePosition>> positions = new TreeMap<>();
      for (List<String> keys : BundleCatalog.read(services.s3(), bucket, "repo").bundlesByPartition().values()) {
        for (String key : keys) {
          byte[] bytes = services.s3().getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
          int partition = BundleMetadata.of(bytes, key).partition();
          positions.computeIfAbsent(partition, x -> new ArrayList<>()).addAll(events(bytes, key));
        }
      }
      return positions;
    }

    /** The streamed events of a bundle (the schema snapshot's DDL share one position). */
    private List<SourcePosition> events(byte[] bundle, String key) throws Exception {
      List<SourcePosition> positions = new ArrayList<>();
      try (BundleReader<ChangeEvent> r = new BundleReader<>(BundleContent.CHANGES,
          new ByteArrayInputStream(bundle), key)) {
        r.forEachRemaining(e -> {
          if (!e.getPosition().getSnapshot()) {
            positions.add(SourcePosition.fromAvro(e.getPosition()));
          }
        });
      }
      return positions;
    }

    /** The change topic's streamed events as a read_committed consumer sees them. */
    Map<Integer, Map<Long, SourcePosition>> topicEvents() {
      Map<Integer, Map<Long, SourcePosition>> events = new TreeMap<>();
      try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
          ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, services.kafka().bootstrapServers(),
          ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
          new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
        List<TopicPartition> partitions = List.of(new TopicPartition(topics.changes(), 0),
            new TopicPartition(topics.changes(), 1));
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
          consumer.poll(Duration.ofMillis(200)).forEach(r -> {
            ChangeEvent e = KafkaCodec.CHANGES.deserialize(r.value());
            SourcePosition p = SourcePosition.fromAvro(e.getPosition());
            if (!p.snapshot() && e.getOperation() != Operation.HEARTBEAT) { // never stored
              events.computeIfAbsent(r.partition(), x -> new TreeMap<>()).put(r.offset(), p);
            }
          });
        }
      }
      return events;
    }

    /** Every event of the topic is in the bucket exactly once, and a restore equals the source. */
    void assertEveryOffsetOnceAndRestoreEqualsSource() throws Exception {
      Map<Integer, List<SourcePosition>> stored = bucketPositions();
      topicEvents().forEach((partition, byOffset) -> assertThat(stored.get(partition))
          .as("events of partition %d in the bucket", partition).doesNotHaveDuplicates()
          .containsExactlyInAnyOrderElementsOf(new LinkedHashSet<>(byOffset.values())));
      try (MariaDbServer target = MariaDbServer.builder().serverId(29).start()) {
        services.restore(bucket, target);
        services.assertSameChecksums(target, db);
      }
    }

    private Admin admin() {
      return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
          services.kafka().bootstrapServers()));
    }
  }
}
