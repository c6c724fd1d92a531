package io.tidemark.capture;

import io.tidemark.capture.internal.ChunkPlanner;
import io.tidemark.capture.internal.ChunkPlanner.Chunk;
import io.tidemark.capture.internal.ChunkReader;
import io.tidemark.capture.internal.ConsistentView;
import io.tidemark.capture.internal.ConsistentView.TableId;
import io.tidemark.capture.internal.KafkaTopics;
import io.tidemark.schemas.KafkaCodec;
import io.tidemark.schemas.RowChecksum;
import io.tidemark.schemas.avro.SnapshotManifest;
import io.tidemark.schemas.avro.SnapshotRecord;
import io.tidemark.schemas.avro.SnapshotRecordKind;
import io.tidemark.schemas.avro.TableManifest;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a consistent, parallel snapshot of the source into its snapshot topic: every table read
 * at one recorded binlog position (see {@link ConsistentView}), tables split into primary-key
 * chunks read by {@link SnapshotSettings#threads()} connections, rows streamed to Kafka, and a
 * closing SNAPSHOT_DONE record with the manifest (schema, row count and checksum per table) sent
 * only after Kafka acknowledged every row. A snapshot that fails midway never gets that record
 * and so never becomes restorable.
 *
 * <p>One snapshot at a time per instance ({@link #take} is synchronized).
 */
public final class Snapshotter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Snapshotter.class);
  private static final DateTimeFormatter ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final CaptureSettings source;
  private final SnapshotSettings settings;
  private final InstantSource clock;
  private final KafkaProducer<byte[], byte[]> producer;

  public Snapshotter(CaptureSettings source, SnapshotSettings settings, InstantSource clock) {
    this.source = source;
    this.settings = settings;
    this.clock = clock;
    KafkaTopics.ensure(source.bootstrapServers(), source.topics().snapshots(), 1,
        source.replicationFactor());
    this.producer = KafkaTopics.producer(source.bootstrapServers());
  }

  /** Takes one snapshot; returns its manifest once Kafka holds all of it. */
  public synchronized SnapshotManifest take() throws SQLException, InterruptedException {
    long started = clock.millis();
    String id = ID_TIME.format(clock.instant()) + "-"
        + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
    List<Connection> workers = new ArrayList<>();
    try (Connection coordinator = connect()) {
      for (int i = 0; i < settings.threads(); i++) {
        workers.add(connect());
      }
      try (ConsistentView view = ConsistentView.open(coordinator, workers, databases(coordinator),
          clock)) {
        log.info("snapshot {} of source {} consistent at {}", id, source.topics().source(),
            view.position().format());
        Map<TableId, TableManifest> tables = read(id, view);
        SnapshotManifest manifest = new SnapshotManifest(id, view.position().toAvro(), started,
            clock.millis(), view.databases(), List.copyOf(tables.values()));
        finish(manifest);
        return manifest;
      }
    } finally {
      for (Connection w : workers) {
        w.close();
      }
    }
  }

  private Map<TableId, TableManifest> read(String id, ConsistentView view)
      throws SQLException, InterruptedException {
    List<Chunk> chunks = ChunkPlanner.plan(view.workers().get(0), view.tables().keySet(),
        settings.chunkRows(), settings.fetchRows());
    LinkedBlockingQueue<Chunk> queue = new LinkedBlockingQueue<>(chunks);
    AtomicReference<Exception> sendFailure = new AtomicReference<>();
    ChunkReader reader = new ChunkReader(producer, source.topics().snapshots(), id,
        view.position().toAvro(), sendFailure);
    Map<TableId, RowChecksum> sums = new HashMap<>();
    Map<TableId, Integer> chunkCounts = new HashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(view.workers().size(),
        r -> new Thread(r, "tidemark-snapshot-" + id));
    try {
      List<Future<?>> done = new ArrayList<>();
      for (Connection c : view.workers()) {
        done.add(pool.submit(() -> {
          for (Chunk chunk = queue.poll(); chunk != null; chunk = queue.poll()) {
            RowChecksum sum = reader.read(c, chunk);
            synchronized (sums) {
              sums.computeIfAbsent(chunk.table(), t -> new RowChecksum()).add(sum);
              chunkCounts.merge(chunk.table(), 1, Integer::sum);
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } catch (ExecutionException e) {
      throw new SQLException("snapshot " + id + " failed: " + e.getCause().getMessage(), e.getCause());
    } finally {
      pool.shutdownNow();
      pool.awaitTermination(30, TimeUnit.SECONDS);
    }
    producer.flush();
    if (sendFailure.get() != null) {
      throw new SQLException("Kafka refused rows of snapshot " + id, sendFailure.get());
    }
    Map<TableId, TableManifest> tables = new java.util.LinkedHashMap<>();
    view.tables().forEach((t, ddl) -> {
      RowChecksum sum = sums.getOrDefault(t, new RowChecksum());
      tables.put(t, new TableManifest(t.database(), t.table(), ddl, chunkCounts.getOrDefault(t, 0),
          sum.rows(), sum.hex()));
    });
    return tables;
  }

  private void finish(SnapshotManifest manifest) throws SQLException, InterruptedException {
    SnapshotRecord done = SnapshotRecord.newBuilder().setSnapshotId(manifest.getSnapshotId())
        .setPosition(manifest.getPosition()).setKind(SnapshotRecordKind.SNAPSHOT_DONE)
        .setManifest(manifest).build();
    try {
      producer.send(new ProducerRecord<>(source.topics().snapshots(),
          manifest.getSnapshotId().getBytes(StandardCharsets.UTF_8),
          KafkaCodec.SNAPSHOT.serialize(done))).get(2, TimeUnit.MINUTES);
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new SQLException("Kafka did not accept the end of snapshot " + manifest.getSnapshotId(), e);
    }
    long rows = manifest.getTables().stream().mapToLong(TableManifest::getRows).sum();
    log.info("snapshot {} in Kafka: {} tables, {} rows", manifest.getSnapshotId(),
        manifest.getTables().size(), rows);
  }

  private List<String> databases(Connection c) throws SQLException {
    if (!source.databases().isEmpty()) {
      return source.databases();
    }
    List<String> all = new ArrayList<>();
    try (var s = c.createStatement(); var r = s.executeQuery("SHOW DATABASES")) {
      while (r.next()) {
        String db = r.getString(1);
        if (!List.of("information_schema", "mysql", "performance_schema", "sys").contains(db)) {
          all.add(db);
        }
      }
    }
    return all;
  }

  private Connection connect() throws SQLException {
    return DriverManager.getConnection("jdbc:mariadb://" + source.host() + ":" + source.port()
        + "/?sslMode=disable", source.user(), source.password());
  }

  @Override
  public void close() {
    producer.close();
  }
}
