package io.tidemark.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.capture.CaptureSettings;
import io.tidemark.capture.SnapshotSettings;
import io.tidemark.restore.BundleCatalog;
import io.tidemark.schemas.BundleContent;
import io.tidemark.schemas.BundleReader;
import io.tidemark.schemas.SourcePosition;
import io.tidemark.schemas.TopicNames;
import io.tidemark.schemas.avro.ChangeEvent;
import io.tidemark.schemas.avro.Operation;
import io.tidemark.sinks.FlushPolicy;
import io.tidemark.sinks.SinkSettings;
import io.tidemark.testkit.MariaDbServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Capture replays (the same source events again, at new offsets) are dropped by the sink, both
 * while it runs and after a restart, where it knows what is durable only from the bucket: every
 * source position is stored once and the restore equals the source.
 */
class SinkDedupeIT {
  @RegisterExtension
  static final ArchiveServices services =
      ArchiveServices.withCredentials("dedupe", "dedupe-secret").source(31).captureUser();

  @TempDir Path spool;

  @Test
  void replayedEventsAreStoredOnceWhileRunningAndAfterARestart() throws Exception {
    String db = services.source().createDatabase("dedupe");
    String bucket = services.freshBucket("dedupe");
    services.source().execute("CREATE TABLE " + db + ".item (id INT PRIMARY KEY, note VARCHAR(20))");
    TopicNames topics = ArchiveServices.freshTopics("dedupe");
    CaptureSettings capture = services.capture(topics, 5431, db, 2);
    SinkSettings sink = services.sink(topics, bucket)
        .withFlush(new FlushPolicy(10, 1L << 20, Duration.ofMillis(300)));

    try (Pipeline pipeline = Pipeline.start(capture, SnapshotSettings.DEFAULT, sink,
        services.s3(), spool, 1L << 30)) {
      pipeline.snapshotNow(Duration.ofSeconds(60));
      insert(db, 0, 20);
      awaitArchived(pipeline);
      replayLast(topics, 8);
      insert(db, 20, 25);
      awaitArchived(pipeline);
    }
    try (Pipeline restarted = Pipeline.start(capture, SnapshotSettings.DEFAULT, sink,
        services.s3(), spool, 1L << 30)) {
      replayLast(topics, 5);
      insert(db, 25, 30);
      awaitArchived(restarted);
    }

    List<SourcePosition> stored = storedPositions(bucket);
    assertThat(stored).doesNotHaveDuplicates();
    assertThat(stored).as("the 30 inserts").hasSize(30);
    try (MariaDbServer target = MariaDbServer.builder().serverId(39).start()) {
      services.restore(bucket, target);
      services.assertSameChecksums(target, db);
    }
  }

  private static void insert(String db, int from, int to) {
    for (int i = from; i < to; i++) {
      services.source().execute("INSERT INTO " + db + ".item VALUES (" + i + ", 'n" + i + "')");
    }
  }

  private static void awaitArchived(Pipeline pipeline) throws Exception {
    try (Connection c = services.source().connection()) {
      pipeline.awaitArchived(Pipeline.sourceGtids(c), Duration.ofSeconds(120));
    }
  }

  /** Sends the last {@code n} row events of the change topic again, as a capture replay does. */
  private static void replayLast(TopicNames topics, int n) {
    List<ConsumerRecord<byte[], byte[]>> rows = new ArrayList<>();
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
          if (r.key().length > 0 && r.partition() == 1) {
            rows.add(r);
          }
        });
      }
    }
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, services.kafka().bootstrapServers()),
        new ByteArraySerializer(), new ByteArraySerializer())) {
      for (ConsumerRecord<byte[], byte[]> r : rows.subList(Math.max(0, rows.size() - n), rows.size())) {
        producer.send(new ProducerRecord<>(r.topic(), r.partition(), r.key(), r.value()));
      }
      producer.flush();
    }
    assertThat(rows).as("row events on partition 1 to replay").isNotEmpty();
  }

  private static List<SourcePosition> storedPositions(String bucket) throws Exception {
    List<SourcePosition> positions = new ArrayList<>();
    for (List<String> keys : BundleCatalog.read(services.s3(), bucket, "repo").bundlesByPartition().values()) {
      for (String key : keys) {
        try (BundleReader<ChangeEvent> r = new BundleReader<>(BundleContent.CHANGES,
            services.s3().getObject(b -> b.bucket(bucket).key(key)), key)) {
          r.forEachRemaining(e -> {
            if (e.getOperation() == Operation.INSERT) {
              positions.add(SourcePosition.fromAvro(e.getPosition()));
            }
          });
        }
      }
    }
    return positions;
  }
}
