package io.tidemark.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tidemark.capture.Capture;
import io.tidemark.restore.BundleCatalog;
import io.tidemark.restore.ReplayEvents;
import io.tidemark.schemas.GtidSet;
import io.tidemark.schemas.KafkaCodec;
import io.tidemark.schemas.SourcePosition;
import io.tidemark.schemas.TopicNames;
import io.tidemark.schemas.avro.ChangeEvent;
import io.tidemark.schemas.avro.Column;
import io.tidemark.schemas.avro.Operation;
import io.tidemark.sinks.ConsumerLag;
import io.tidemark.sinks.SinkSettings;
import io.tidemark.testkit.JavaProcess;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sink workers, each a real {@code tidemark run --role sink} in a child JVM, SIGKILLed at random
 * points and joining and leaving their group while capture streams a continuous write load.
 * Afterwards the bucket, read the way restore reads it (overlapping bundles of a retried upload
 * merged, each Kafka offset once), holds every source event exactly once.
 */
class SinkWorkerFaultsIT {
  private static final int PARTITIONS = 4;
  private static final Duration READY = Duration.ofMinutes(2);

  @RegisterExtension
  static final ArchiveServices services =
      ArchiveServices.withCredentials("faults", "faults-secret").source(41).captureUser();

  @TempDir Path work;

  @Test
  void repeatedSigkillsOfTheWorkerAtRandomPointsLoseAndDuplicateNothing() throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    try (Load stream = new Load("kills")) {
      for (int kill = 1; kill <= 5; kill++) {
        try (JavaProcess worker = stream.worker("w" + kill)) {
          if (random.nextInt(5) > 0) { // else: killed while it joins the group
            stream.awaitBundles(stream.bundles() + 1 + random.nextInt(4));
          }
          worker.kill();
        }
      }
      try (JavaProcess last = stream.worker("last")) {
        stream.finishWith(last);
      }
      stream.assertEveryEventOnce("seed " + seed);
    }
  }

  @Test
  void workersJoiningLeavingAndKilledMidStreamLoseAndDuplicateNothing() throws Exception {
    try (Load stream = new Load("rebalance");
        JavaProcess a = stream.worker("a");
        JavaProcess b = stream.worker("b")) {
      stream.awaitMembersWithPartitions(2);
      stream.awaitBundles(stream.bundles() + 4);
      assertThat(a.stop(Duration.ofMinutes(1))).as("a leaves in order").isZero();
      stream.awaitBundles(stream.bundles() + 2);
      try (JavaProcess c = stream.worker("c")) {
        stream.awaitMembersWithPartitions(2);
        stream.awaitBundles(stream.bundles() + 4);
        b.kill();
        stream.finishWith(c);
      }
      stream.assertEveryEventOnce("join, leave, kill");
    }
  }

  /** One source database under a continuous write load, captured into its own topics. */
  private final class Load implements AutoCloseable {
    final String db;
    final String bucket;
    final TopicNames topics;
    final Capture capture;
    final AtomicBoolean stop = new AtomicBoolean();
    final AtomicInteger rows = new AtomicInteger();
    final CompletableFuture<Void> writer;

    Load(String name) {
      db = services.source().createDatabase(name);
      bucket = services.freshBucket(name);
      services.source().execute("CREATE TABLE " + db + ".item (id INT PRIMARY KEY, note VARCHAR(40))");
      topics = ArchiveServices.freshTopics(name);
      capture = Capture.start(services.capture(topics, 5440 + name.length(), db, PARTITIONS));
      await().atMost(READY).until(() -> capture.restartPoint().isPresent());
      writer = CompletableFuture.runAsync(this::write);
    }

    /** Inserts a row and updates an older one per round, until stopped. */
    private void write() {
      try (Connection c = services.source().connection(); Statement s = c.createStatement()) {
        while (!stop.get()) {
          int i = rows.get();
          s.execute("INSERT INTO " + db + ".item VALUES (" + i + ", 'n" + i + "')");
          rows.incrementAndGet();
          s.execute("UPDATE " + db + ".item SET note = 'u" + i + "' WHERE id = " + i / 2);
        }
      } catch (Exception e) {
        throw new IllegalStateException("the write load failed", e);
      }
    }

    /** A sink worker through the real entry point, once it runs. */
    JavaProcess worker(String name) {
      JavaProcess p = JavaProcess.builder(Tidemark.class).args("run", "--role", "sink")
          .jvmOption("-Duser.timezone=UTC")
          .env("S3_BUCKET", "s3://" + bucket + "/repo")
          .env("AWS_ENDPOINT_URL", services.s3Server().endpoint().toString())
          .env("AWS_REGION", services.s3Server().region())
          .env("AWS_ACCESS_KEY_ID", services.s3Server().accessKey())
          .env("AWS_SECRET_ACCESS_KEY", services.s3Server().secretKey())
          .env("KAFKA_BOOTSTRAP_SERVERS", services.kafka().bootstrapServers())
          .env("TIDEMARK_SOURCE_NAME", topics.source())
          .env("MYSQL_BACKUP_DIR", work.resolve(topics.source() + "-" + name).toString())
          .env("TIDEMARK_HTTP", "off")
          .env("TIDEMARK_FLUSH_EVENTS", "50").env("TIDEMARK_FLUSH_AGE", "300ms")
          .env("TIDEMARK_SESSION_TIMEOUT", "6s")
          .start();
      p.awaitOutput("tidemark run: sink for source", READY);
      return p;
    }

    long bundles() {
      return BundleCatalog.read(services.s3(), bucket, "repo").bundleCount();
    }

    void awaitBundles(long atLeast) {
      await().atMost(READY).until(() -> bundles() >= atLeast);
    }

    /** Until {@code n} members of the sink group each hold a partition of the change topic. */
    void awaitMembersWithPartitions(int n) {
      await().atMost(READY).until(() -> {
        try (Admin admin = admin()) {
          String group = sinkSettings().groupId();
          return admin.describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS)
              .get(group).members().stream().map(MemberDescription::assignment)
              .filter(a -> a.topicPartitions().stream()
                  .anyMatch(tp -> tp.topic().equals(topics.changes())))
              .count() == n;
        }
      });
    }

    /** Stops the load, waits until {@code worker} made everything durable, then stops it. */
    void finishWith(JavaProcess worker) throws Exception {
      stop.set(true);
      writer.get(1, TimeUnit.MINUTES);
      GtidSet written;
      try (Connection c = services.source().connection()) {
        written = Pipeline.sourceGtids(c);
      }
      try (Admin admin = admin()) {
        await().atMost(READY).until(() -> capture.restartPoint()
            .map(p -> GtidSet.parse(p.gtid()).covers(written)).orElse(false)
            && ConsumerLag.of(admin, sinkSettings()) == 0);
      }
      assertThat(worker.stop(Duration.ofMinutes(1))).as(worker.outputTails()).isZero();
    }

    /**
     * Read as restore reads it, the bucket holds each source event the topic holds exactly once,
     * and the inserts are exactly the rows the load wrote.
     */
    void assertEveryEventOnce(String run) throws Exception {
      List<SourcePosition> stored = new ArrayList<>();
      List<Long> inserted = new ArrayList<>();
      try (ReplayEvents merged = BundleCatalog.read(services.s3(), bucket, "repo")
          .replayOrder(key -> services.s3().getObject(b -> b.bucket(bucket).key(key)))) {
        while (merged.hasNext()) {
          ChangeEvent e = merged.next();
          if (!e.getPosition().getSnapshot()) {
            stored.add(SourcePosition.fromAvro(e.getPosition()));
            if (e.getOperation() == Operation.INSERT) {
              inserted.add(id(e.getAfter()));
            }
          }
        }
      }
      assertThat(stored).as(run).doesNotHaveDuplicates()
          .containsExactlyInAnyOrderElementsOf(topicPositions());
      assertThat(inserted).as(run).containsExactlyInAnyOrderElementsOf(
          LongStream.range(0, rows.get()).boxed().toList());
    }

    /** The distinct streamed source positions of the change topic, read_committed. */
    private Set<SourcePosition> topicPositions() {
      Set<SourcePosition> positions = new HashSet<>();
      try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
          ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, services.kafka().bootstrapServers(),
          ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
          new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
          partitions.add(new TopicPartition(topics.changes(), p));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
          consumer.poll(Duration.ofMillis(200)).forEach(r -> {
            ChangeEvent e = KafkaCodec.CHANGES.deserialize(r.value());
            SourcePosition p = SourcePosition.fromAvro(e.getPosition());
            if (!p.snapshot() && e.getOperation() != Operation.HEARTBEAT) { // never stored
              positions.add(p);
            }
          });
        }
      }
      return positions;
    }

    private long id(List<Column> image) {
      return image.stream().filter(c -> c.getName().equals("id")).map(c -> (Long) c.getValue())
          .findFirst().orElseThrow();
    }

    private SinkSettings sinkSettings() {
      return services.sink(topics, bucket);
    }

    private Admin admin() {
      return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
          services.kafka().bootstrapServers()));
    }

    @Override
    public void close() throws Exception {
      stop.set(true);
      capture.close();
    }
  }
}
