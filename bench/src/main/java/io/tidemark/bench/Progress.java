package io.tidemark.bench;

import io.tidemark.capture.Capture;
import io.tidemark.schemas.GtidSet;
import io.tidemark.schemas.SourcePosition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Where the source and capture are: the change topic's end offsets (events Kafka holds), the
 * source's newest GTID sequence and the sequence capture's restart point covers, in replication
 * domain 0. {@link #sample} reads all three; a background timeline records them periodically.
 *
 * <p>Not thread-safe: {@link #sample} and the timeline share one Admin client and connection, so
 * only one thread may use an instance at a time.
 */
final class Progress implements AutoCloseable {
  /** One reading; times are {@link System#nanoTime()}. */
  record Sample(long nanos, long endOffsets, long sourceSeq, long captureSeq) {}

  private final String bootstrap;
  private final Admin admin;
  private final Connection source;
  private final String topic;
  private final Supplier<Capture> capture;

  Progress(String bootstrap, SourceOptions sourceOptions, String topic, Supplier<Capture> capture)
      throws SQLException {
    this.bootstrap = bootstrap;
    this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    this.source = sourceOptions.connect();
    this.topic = topic;
    this.capture = capture;
  }

  Sample sample() throws SQLException, InterruptedException, ExecutionException, TimeoutException {
    long now = System.nanoTime();
    return new Sample(now, endOffsets(), sourceSeq(), captureSeq());
  }

  /** Sum of the change topic's end offsets: the events Kafka holds. */
  long endOffsets() throws InterruptedException, ExecutionException, TimeoutException {
    Map<TopicPartition, OffsetSpec> latest = admin.describeTopics(List.of(topic)).allTopicNames()
        .get(30, TimeUnit.SECONDS).get(topic).partitions().stream()
        .collect(Collectors.toMap(p -> new TopicPartition(topic, p.partition()),
            p -> OffsetSpec.latest()));
    return admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).values().stream()
        .mapToLong(i -> i.offset()).sum();
  }

  /**
   * The producer timestamp (epoch ms) of the newest row change among the last {@code tail}
   * committed records of each partition of the change topic; heartbeats, whose key is empty,
   * do not count.
   */
  long newestChangeMillis(int tail) {
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
        new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = c.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      c.assign(partitions);
      Map<TopicPartition, Long> start = c.beginningOffsets(partitions);
      Map<TopicPartition, Long> end = c.endOffsets(partitions);
      partitions.forEach(p -> c.seek(p, Math.max(start.get(p), end.get(p) - tail)));
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
      long newest = 0;
      while (partitions.stream().anyMatch(p -> c.position(p) < end.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("could not read the end of " + topic + " in a minute");
        }
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          if (r.key() != null && r.key().length > 0) {
            newest = Math.max(newest, r.timestamp());
          }
        }
      }
      return newest;
    }
  }

  /** The source's {@code @@gtid_binlog_pos}. */
  GtidSet sourceGtids() throws SQLException {
    try (Statement s = source.createStatement();
        ResultSet r = s.executeQuery("SELECT @@gtid_binlog_pos")) {
      r.next();
      return GtidSet.parse(r.getString(1));
    }
  }

  long sourceSeq() throws SQLException {
    return sourceGtids().sequenceByDomain().getOrDefault(0L, 0L);
  }

  /** Whether capture's restart point covers {@code gtids}: all of it is in Kafka. */
  boolean captured(GtidSet gtids) {
    return capturePosition().map(p -> GtidSet.parse(p.gtid()).covers(gtids)).orElse(false);
  }

  long captureSeq() {
    return capturePosition().map(p -> GtidSet.parse(p.gtid()).sequenceByDomain()
        .getOrDefault(0L, 0L)).orElse(-1L);
  }

  private java.util.Optional<SourcePosition> capturePosition() {
    Capture c = capture.get();
    return c == null ? java.util.Optional.empty()
        : c.restartPoint().filter(p -> p.gtid() != null);
  }

  /** Writes samples as CSV: seconds since {@code origin}, offsets, sequences, lag. */
  static void writeCsv(List<Sample> samples, long origin, Path file) throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add("t_s,kafka_events,source_seq,capture_seq,lag_trx");
    for (Sample s : samples) {
      lines.add(String.format(java.util.Locale.ROOT, "%.3f,%d,%d,%d,%d",
          (s.nanos() - origin) / 1e9, s.endOffsets(), s.sourceSeq(), s.captureSeq(),
          s.captureSeq() < 0 ? -1 : s.sourceSeq() - s.captureSeq()));
    }
    Files.write(file, lines);
  }

  /** Samples every {@code period} on its own thread until {@link Timeline#close()}. */
  Timeline timeline(Duration period) {
    return new Timeline(period);
  }

  final class Timeline implements AutoCloseable {
    private final List<Sample> samples = new ArrayList<>();
    private final java.util.concurrent.ScheduledExecutorService timer =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
            r -> new Thread(r, "bench-progress"));
    private volatile Exception failure;

    private Timeline(Duration period) {
      timer.scheduleAtFixedRate(() -> {
        try {
          Sample s = sample();
          synchronized (samples) {
            samples.add(s);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (Exception e) {
          failure = e;
        }
      }, 0, period.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Stops sampling; returns every sample taken. */
    List<Sample> stop() throws InterruptedException {
      timer.shutdown();
      if (!timer.awaitTermination(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("progress sampling did not stop within 60 s");
      }
      if (failure != null) {
        throw new IllegalStateException("progress sampling failed", failure);
      }
      synchronized (samples) {
        return List.copyOf(samples);
      }
    }

    @Override
    public void close() throws InterruptedException {
      if (!timer.isShutdown()) {
        stop();
      }
    }
  }

  @Override
  public void close() throws SQLException {
    admin.close();
    source.close();
  }
}
