package io.tidemark.sinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tidemark.filecache.Spool;
import io.tidemark.schemas.BundleContent;
import io.tidemark.schemas.BundleKeys;
import io.tidemark.schemas.BundleReader;
import io.tidemark.schemas.KafkaCodec;
import io.tidemark.schemas.SourcePosition;
import io.tidemark.schemas.TopicNames;
import io.tidemark.schemas.avro.ChangeEvent;
import io.tidemark.schemas.avro.Column;
import io.tidemark.schemas.avro.Operation;
import io.tidemark.sinks.s3.S3BundleStore;
import io.tidemark.testkit.KafkaBroker;
import io.tidemark.testkit.S3Server;
import io.tidemark.testkit.SmallDisk;
import io.tidemark.testkit.Services;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The spool's disk really full (a 1 MiB tmpfs, far below the configured spool limit) while S3 is
 * down: the worker holds what fits nowhere, pauses, commits only what is durable, says so in its
 * stats, and once S3 is back stores every event exactly once. Skipped where tmpfs cannot be
 * mounted (not Linux, not root, no permission).
 */
class SpoolDiskFullIT {
  private static final int EVENT_BYTES = 8 * 1024;
  private static KafkaBroker kafka;
  private static S3Server server;
  private static S3Client s3;

  @TempDir Path dir;
  private SmallDisk disk;

  @BeforeAll
  static void start() {
    kafka = KafkaBroker.start();
    server = S3Server.builder().credentials("diskfull-it", "diskfull-it-secret").start();
    s3 = S3TestClients.of(server);
  }

  @AfterAll
  static void stop() {
    Services.closeAll(s3, server, kafka);
  }

  @BeforeEach
  void mountASmallDisk() {
    StringBuilder why = new StringBuilder();
    disk = SmallDisk.mount(dir.resolve("disk"), "1m", why).orElse(null);
    Assumptions.assumeTrue(disk != null, why::toString);
  }

  @AfterEach
  void unmount() {
    if (!server.isRunning()) {
      server.start();
    }
    if (disk != null) {
      disk.close();
    }
  }

  @Test
  void aFullSpoolDiskPausesIntakeCommitsOnlyWhatIsDurableAndLosesNothingOnceS3IsBack()
      throws Exception {
    String bucket = "diskfull-" + UUID.randomUUID().toString().substring(0, 8);
    server.createBucket(bucket);
    TopicNames topics = new TopicNames("diskfull" + UUID.randomUUID().toString().substring(0, 6));
    TopicPartition p0 = new TopicPartition(topics.changes(), 0);
    SinkSettings settings = SinkSettings.defaults(topics, kafka.bootstrapServers(), bucket, "repo")
        .withFlush(new FlushPolicy(100, 64L << 20, Duration.ofMinutes(10))) // bundles of 100
        .withBackoff(new Backoff(Duration.ofMillis(20), Duration.ofMillis(100), 0.2, 2),
            Integer.MAX_VALUE);
    List<ChangeEvent> produced = new ArrayList<>();
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
        kafka.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(topics.changes(), 1, (short) 1),
          new NewTopic(topics.snapshots(), 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
      ExecutorService thread = Executors.newSingleThreadExecutor();
      Spool spool = Spool.open(disk.dir().resolve("spool"), 1L << 30);
      SinkWorker worker = new SinkWorker(settings, new S3BundleStore(s3, bucket), spool,
          InstantSource.system(), d -> Thread.sleep(d.toMillis()));
      Future<?> running = thread.submit(worker);
      try {
        produce(topics, produced, 100);
        await().atMost(Duration.ofSeconds(60)).until(() -> committed(admin, settings, p0) == 100);

        server.stop();
        produce(topics, produced, 100); // ~660 KiB compressed: fits on the disk
        await().atMost(Duration.ofSeconds(60)).until(() -> spooledKeys().size() == 1);
        produce(topics, produced, 200); // 100 or more of them do not fit next to it
        await().atMost(Duration.ofSeconds(60)).until(() -> worker.stats().bundlesHeld() > 0);
        assertThat(running).as("the worker waits, it does not crash").isNotDone();
        assertThat(committed(admin, settings, p0)).as("committed: the uploaded and spooled"
            + " events, not the held ones").isEqualTo(200);
        assertThat(spooledKeys()).containsExactly(
            BundleKeys.changeBundle("repo", topics.changes(), 0, 100, 199));

        server.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> worker.stats().bundlesHeld() == 0
            && spooledKeys().isEmpty());
        assertThat(running).isNotDone();
        // intake resumed: the last events are read before the stop flushes them
        await().atMost(Duration.ofSeconds(60)).until(() -> worker.stats().recordsTaken() == 400);
      } finally {
        worker.close(); // the rest of the last batch becomes a SHUTDOWN bundle
        thread.shutdown();
        assertThat(thread.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        spool.close(); // its lock file is open on the disk
      }
      running.get(); // ended without a failure
      assertThat(committed(admin, settings, p0)).isEqualTo(400);
    }
    assertThat(storedPositions(bucket)).as("every event once, in order")
        .containsExactlyElementsOf(produced.stream()
            .map(e -> SourcePosition.fromAvro(e.getPosition())).toList());
  }

  /** The object keys of the bundles in the spool, read from each file's header. */
  private List<String> spooledKeys() throws IOException {
    List<String> keys = new ArrayList<>();
    try (Stream<Path> files = Files.list(disk.dir().resolve("spool"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".spool")).sorted().toList()) {
        try (DataInputStream in = new DataInputStream(Files.newInputStream(f))) {
          in.readInt(); // magic
          keys.add(new String(in.readNBytes(in.readInt()), StandardCharsets.UTF_8));
        }
      }
    }
    return keys;
  }

  private List<SourcePosition> storedPositions(String bucket) throws Exception {
    List<SourcePosition> positions = new ArrayList<>();
    List<String> keys = new ArrayList<>(s3.listObjectsV2Paginator(b -> b.bucket(bucket)
        .prefix(BundleKeys.changesRoot("repo"))).contents().stream().map(o -> o.key()).toList());
    keys.sort(null);
    for (String key : keys) {
      try (BundleReader<ChangeEvent> r = new BundleReader<>(BundleContent.CHANGES,
          s3.getObject(b -> b.bucket(bucket).key(key)), key)) {
        r.forEachRemaining(e -> positions.add(SourcePosition.fromAvro(e.getPosition())));
      }
    }
    return positions;
  }

  private static long committed(Admin admin, SinkSettings settings, TopicPartition tp)
      throws Exception {
    OffsetAndMetadata o = admin.listConsumerGroupOffsets(settings.groupId())
        .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS).get(tp);
    return o == null ? 0 : o.offset();
  }

  /** Sends {@code n} events of incompressible text after those already produced. */
  private static void produce(TopicNames topics, List<ChangeEvent> produced, int n) {
    Random random = new Random(produced.size());
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
        new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < n; i++) {
        byte[] note = new byte[EVENT_BYTES];
        for (int j = 0; j < note.length; j++) {
          note[j] = (byte) ('!' + random.nextInt(90));
        }
        ChangeEvent e = ChangeEvent.newBuilder()
            .setPosition(new SourcePosition(1, "bin.000001", 1000 + produced.size(), 0, 0, null, 0,
                false).toAvro())
            .setDatabase("db").setTable("t").setOperation(Operation.INSERT)
            .setAfter(List.of(new Column("note", new String(note, StandardCharsets.US_ASCII))))
            .build();
        producer.send(new ProducerRecord<>(topics.changes(), 0, new byte[] {1},
            KafkaCodec.CHANGES.serialize(e)));
        produced.add(e);
      }
      producer.flush();
    }
  }
}
