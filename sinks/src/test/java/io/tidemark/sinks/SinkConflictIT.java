package io.tidemark.sinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tidemark.filecache.Spool;
import io.tidemark.schemas.BundleCodec;
import io.tidemark.schemas.BundleContent;
import io.tidemark.schemas.BundleEnvelope;
import io.tidemark.schemas.BundleFormat;
import io.tidemark.schemas.BundleKeys;
import io.tidemark.schemas.BundleMetadata;
import io.tidemark.schemas.BundleReader;
import io.tidemark.schemas.BundleWriter;
import io.tidemark.schemas.KafkaCodec;
import io.tidemark.schemas.MasterKey;
import io.tidemark.schemas.SourcePosition;
import io.tidemark.schemas.TopicNames;
import io.tidemark.schemas.avro.ChangeEvent;
import io.tidemark.schemas.avro.Column;
import io.tidemark.schemas.avro.Operation;
import io.tidemark.sinks.internal.BundleConflictException;
import io.tidemark.sinks.internal.DurableStore;
import io.tidemark.sinks.s3.S3BundleStore;
import io.tidemark.testkit.KafkaBroker;
import io.tidemark.testkit.S3Server;
import io.tidemark.testkit.Services;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A key that already holds a bundle, against a real broker and a real S3 API (S3Proxy): the same
 * events count as stored, different ones stop that partition alone, uncommitted and loudly, while
 * the other partition's encrypted, hash-chained bundles keep arriving.
 */
class SinkConflictIT {
  private static KafkaBroker kafka;
  private static S3Server server;
  private static S3Client s3;

  @TempDir Path spoolDir;

  @BeforeAll
  static void start() {
    kafka = KafkaBroker.start();
    server = S3Server.builder().credentials("conflict-it", "conflict-it-secret").start();
    s3 = S3TestClients.of(server);
  }

  @AfterAll
  static void stop() {
    Services.closeAll(s3, server, kafka);
  }

  @Test
  void anIdenticalObjectCountsAsStoredAndADifferentOneIsAConflictNamingBothHashes()
      throws Exception {
    String bucket = bucket();
    String key = BundleKeys.changeBundle("repo", "t", 0, 0, 4);
    byte[] ours = bundle(events(0, 5, "ours"), "");
    byte[] theirs = bundle(events(0, 5, "theirs"), "");
    new S3BundleStore(s3, bucket).upload(key, ours);
    DurableStore store = new DurableStore(new S3BundleStore(s3, bucket),
        Spool.open(spoolDir, 1L << 30), Backoff.DEFAULT, InstantSource.system(),
        d -> { throw new AssertionError("no retry expected"); });

    assertThat(store.put(key, bundle(events(0, 5, "ours"), "another-link")))
        .isEqualTo(DurableStore.Result.UPLOADED);
    assertThatThrownBy(() -> store.put(key, theirs)).isInstanceOf(BundleConflictException.class)
        .hasMessageContaining(key)
        .hasMessageContaining(BundleMetadata.of(ours, key).sha256())
        .hasMessageContaining(BundleMetadata.of(theirs, key).sha256())
        .hasMessageContaining("own prefix");
    assertThat(store.spoolEmpty()).as("a conflict is never spooled").isTrue();
  }

  @Test
  void aConflictStopsItsPartitionWhileTheOtherPartitionGoesOn() throws Exception {
    String bucket = bucket();
    TopicNames topics = new TopicNames("conflict" + UUID.randomUUID().toString().substring(0, 6));
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
        kafka.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(topics.changes(), 2, (short) 1),
          new NewTopic(topics.snapshots(), 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
      produce(topics.changes(), 0, events(200, 5, "p0"));
      produce(topics.changes(), 1, events(100, 5, "p1"));
      String blockedKey = BundleKeys.changeBundle("repo", topics.changes(), 0, 0, 4);
      byte[] foreign = bundle(events(0, 5, "foreign"), ""); // earlier positions: not duplicates
      new S3BundleStore(s3, bucket).upload(blockedKey, foreign);
      MasterKey key = MasterKey.of(new SecureRandom().generateSeed(32));
      SinkSettings settings = SinkSettings.defaults(topics, kafka.bootstrapServers(), bucket, "repo")
          .withFlush(new FlushPolicy(5, 1L << 20, Duration.ofMinutes(10)))
          .withCodec(BundleCodec.SNAPPY).withMasterKey(key);

      ExecutorService thread = Executors.newSingleThreadExecutor();
      SinkWorker worker = new SinkWorker(settings, new S3BundleStore(s3, bucket),
          Spool.open(spoolDir, 1L << 30), InstantSource.system(), d -> Thread.sleep(d.toMillis()));
      Future<?> running = thread.submit(worker);
      try {
        TopicPartition p0 = new TopicPartition(topics.changes(), 0);
        TopicPartition p1 = new TopicPartition(topics.changes(), 1);
        await().atMost(Duration.ofSeconds(60))
            .until(() -> Long.valueOf(5).equals(committed(admin, settings, p1)));
        produce(topics.changes(), 1, events(105, 5, "p1"));
        await().atMost(Duration.ofSeconds(60))
            .until(() -> Long.valueOf(10).equals(committed(admin, settings, p1)));
        assertThat(running).as("the worker goes on").isNotDone();
        assertThat(committed(admin, settings, p0)).as("nothing of the stopped partition")
            .isIn(null, 0L);
        assertThat(object(bucket, blockedKey)).as("never overwritten").isEqualTo(foreign);

        byte[] first = object(bucket, BundleKeys.changeBundle("repo", topics.changes(), 1, 0, 4));
        byte[] second = object(bucket, BundleKeys.changeBundle("repo", topics.changes(), 1, 5, 9));
        assertThat(BundleEnvelope.isSealed(first)).isTrue();
        assertThat(read(second, key)).isEqualTo(events(105, 5, "p1"));
        assertThat(BundleMetadata.of(first, "first").previousSha256()).isEmpty();
        assertThat(BundleMetadata.of(second, "second").previousSha256())
            .isEqualTo(BundleMetadata.of(first, "first").sha256());
      } finally {
        worker.close();
        thread.shutdown();
        assertThat(thread.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
      }
    }
  }

  private static Long committed(Admin admin, SinkSettings settings, TopicPartition tp)
      throws Exception {
    Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(
        settings.groupId()).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
    OffsetAndMetadata o = offsets.get(tp);
    return o == null ? null : o.offset();
  }

  private static byte[] object(String bucket, String key) {
    return s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
  }

  private static void produce(String topic, int partition, List<ChangeEvent> events) {
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
        new ByteArraySerializer(), new ByteArraySerializer())) {
      for (ChangeEvent e : events) {
        producer.send(new ProducerRecord<>(topic, partition, new byte[] {1},
            KafkaCodec.CHANGES.serialize(e)));
      }
      producer.flush();
    }
  }

  private static List<ChangeEvent> events(long firstPosition, int n, String note) {
    List<ChangeEvent> events = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      events.add(ChangeEvent.newBuilder()
          .setPosition(new SourcePosition(1, "bin.000001", firstPosition + i, 0, 0, null, 0, false)
              .toAvro())
          .setDatabase("db").setTable("t").setOperation(Operation.INSERT)
          .setAfter(List.of(new Column("note", note + i))).build());
    }
    return events;
  }

  private static byte[] bundle(List<ChangeEvent> events, String previous) throws Exception {
    BundleWriter<ChangeEvent> w = new BundleWriter<>(BundleContent.CHANGES, "t", 0);
    for (int i = 0; i < events.size(); i++) {
      w.add(i, events.get(i));
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    w.writeTo(out, BundleFormat.DEFAULT, previous);
    return out.toByteArray();
  }

  private static List<ChangeEvent> read(byte[] bundle, MasterKey key) throws Exception {
    List<ChangeEvent> events = new ArrayList<>();
    try (BundleReader<ChangeEvent> r = new BundleReader<>(BundleContent.CHANGES,
        new ByteArrayInputStream(bundle), "b", key)) {
      r.forEachRemaining(events::add);
    }
    return events;
  }

  private static String bucket() {
    String name = "conflict-" + UUID.randomUUID().toString().substring(0, 8);
    server.createBucket(name);
    return name;
  }
}
