package io.tidemark.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.capture.CaptureSettings;
import io.tidemark.capture.SnapshotSettings;
import io.tidemark.restore.BundleCatalog;
import io.tidemark.restore.Restore;
import io.tidemark.restore.RestoreSettings;
import io.tidemark.restore.TableChecksums;
import io.tidemark.schemas.BundleContent;
import io.tidemark.schemas.BundleReader;
import io.tidemark.schemas.SourcePosition;
import io.tidemark.schemas.TopicNames;
import io.tidemark.schemas.avro.ChangeEvent;
import io.tidemark.schemas.avro.Operation;
import io.tidemark.sinks.FlushPolicy;
import io.tidemark.sinks.SinkSettings;
import io.tidemark.testkit.KafkaBroker;
import io.tidemark.testkit.MariaDbServer;
import io.tidemark.testkit.S3Server;
import io.tidemark.testkit.Services;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Capture replays (the same source events again, at new offsets) are dropped by the sink, both
 * while it runs and after a restart, where it knows what is durable only from the bucket: every
 * source position is stored once and the restore equals the source.
 */
class SinkDedupeIT {
  private static KafkaBroker kafka;
  private static S3Server s3Server;
  private static MariaDbServer source;
  private static S3Client s3;

  @TempDir Path spool;

  @BeforeAll
  static void startServices() {
    kafka = KafkaBroker.start();
    s3Server = S3Server.builder().credentials("dedupe", "dedupe-secret").start();
    source = MariaDbServer.builder().serverId(31).start();
    source.createCaptureUser("tidemark", "capture-pw");
    s3 = S3Clients.forEndpoint(s3Server.endpoint(), s3Server.region(), s3Server.accessKey(),
        s3Server.secretKey());
  }

  @AfterAll
  static void stopServices() {
    Services.closeAll(s3, source, s3Server, kafka);
  }

  @Test
  void replayedEventsAreStoredOnceWhileRunningAndAfterARestart() throws Exception {
    String db = source.createDatabase("dedupe");
    String bucket = "dedupe-" + UUID.randomUUID().toString().substring(0, 8);
    s3Server.createBucket(bucket);
    source.execute("CREATE TABLE " + db + ".item (id INT PRIMARY KEY, note VARCHAR(20))");
    TopicNames topics = new TopicNames("dedupe" + UUID.randomUUID().toString().substring(0, 6));
    CaptureSettings capture = new CaptureSettings(topics, "127.0.0.1", source.port(), "tidemark",
        "capture-pw", 5431, List.of(db), kafka.bootstrapServers(), 2, (short) 1,
        Duration.ofMillis(50), Duration.ofMillis(200));
    SinkSettings sink = SinkSettings.defaults(topics, kafka.bootstrapServers(), bucket, "repo")
        .withFlush(new FlushPolicy(10, 1L << 20, Duration.ofMillis(300)));

    try (Pipeline pipeline = Pipeline.start(capture, SnapshotSettings.DEFAULT, sink, s3, spool,
        1L << 30)) {
      pipeline.snapshotNow(Duration.ofSeconds(60));
      insert(db, 0, 20);
      awaitArchived(pipeline);
      replayLast(topics, 8);
      insert(db, 20, 25);
      awaitArchived(pipeline);
    }
    try (Pipeline restarted = Pipeline.start(capture, SnapshotSettings.DEFAULT, sink, s3, spool,
        1L << 30)) {
      replayLast(topics, 5);
      insert(db, 25, 30);
      awaitArchived(restarted);
    }

    List<SourcePosition> stored = storedPositions(bucket);
    assertThat(stored).doesNotHaveDuplicates();
    assertThat(stored).as("the 30 inserts").hasSize(30);
    try (MariaDbServer target = MariaDbServer.builder().serverId(39).start()) {
      new Restore(new RestoreSettings(bucket, "repo", null, new RestoreSettings.Target(
          "127.0.0.1", target.port(), "root", ""), 2), s3).run();
      try (Connection s = source.connection(); Connection t = target.connection()) {
        assertThat(TableChecksums.of(t, List.of(db))).isEqualTo(TableChecksums.of(s, List.of(db)));
      }
    }
  }

  private static void insert(String db, int from, int to) {
    for (int i = from; i < to; i++) {
      source.execute("INSERT INTO " + db + ".item VALUES (" + i + ", 'n" + i + "')");
    }
  }

  private static void awaitArchived(Pipeline pipeline) throws Exception {
    try (Connection c = source.connection()) {
      pipeline.awaitArchived(Pipeline.sourceGtids(c), Duration.ofSeconds(120));
    }
  }

  /** Sends the last {@code n} row events of the change topic again, as a capture replay does. */
  private static void replayLast(TopicNames topics, int n) {
    List<ConsumerRecord<byte[], byte[]>> rows = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
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
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
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
    for (List<String> keys : BundleCatalog.read(s3, bucket, "repo").bundlesByPartition().values()) {
      for (String key : keys) {
        try (BundleReader<ChangeEvent> r = new BundleReader<>(BundleContent.CHANGES,
            s3.getObject(b -> b.bucket(bucket).key(key)), key)) {
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
