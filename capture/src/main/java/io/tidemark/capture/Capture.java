package io.tidemark.capture;

import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.tidemark.capture.internal.EngineProperties;
import io.tidemark.capture.internal.FailureClassifier;
import io.tidemark.capture.internal.KafkaForwarder;
import io.tidemark.capture.internal.StoredOffsets;
import io.tidemark.schemas.SourcePosition;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams one source database into its Kafka change topic: first the connector's initial
 * snapshot (on a fresh offset topic), then every binlog row change and DDL, resuming from the
 * offsets kept in Kafka after a restart.
 *
 * <p>Lifecycle: {@link #start} → running → {@link #close}. A failure of the engine (lost source,
 * Kafka refusing writes, a purged binlog) ends the stream; {@link #failure()} then tells why and
 * what to do. Capture never skips changes it cannot read and never re-snapshots on its own.
 * Thread-safe.
 */
public final class Capture implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Capture.class);
  private static final Duration ACK_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration OFFSET_READ_TIMEOUT = Duration.ofSeconds(30);

  private final CaptureSettings settings;
  private final KafkaProducer<byte[], byte[]> producer;
  private final KafkaForwarder forwarder;
  private final DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
  private final ExecutorService thread;
  private final AtomicReference<CaptureFailedException> failure = new AtomicReference<>();
  private final AtomicBoolean engineEnded = new AtomicBoolean();
  private final Optional<SourcePosition> storedAtStart;

  private Capture(CaptureSettings settings, Optional<SourcePosition> storedAtStart) {
    this.settings = settings;
    this.storedAtStart = storedAtStart;
    this.producer = new KafkaProducer<>(producerConfig(settings.bootstrapServers()),
        new ByteArraySerializer(), new ByteArraySerializer());
    this.forwarder = new KafkaForwarder(producer, settings.topics().changes(), ACK_TIMEOUT);
    this.engine = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
        .using(EngineProperties.of(settings))
        .using((success, message, error) -> {
          engineEnded.set(true);
          if (!success) {
            CaptureFailedException why = FailureClassifier.classify(settings.topics().source(),
                message, error, resumePoint());
            failure.compareAndSet(null, why);
            log.error("{}", why.getMessage());
          }
        })
        .notifying(forwarder)
        .build();
    this.thread = Executors.newSingleThreadExecutor(r -> new Thread(r, "tidemark-capture"));
  }

  /** Creates the change topic if needed and starts streaming in a background thread. */
  public static Capture start(CaptureSettings settings) {
    ensureTopic(settings);
    Optional<SourcePosition> stored = StoredOffsets.restartPoint(settings.bootstrapServers(),
        settings.topics(), OFFSET_READ_TIMEOUT);
    if (stored.isPresent()) {
      log.info("capture of source {} resumes from its stored offset {}",
          settings.topics().source(), stored.get().format());
    } else {
      log.info("capture of source {} has no stored offset: it starts from the initial snapshot",
          settings.topics().source());
    }
    Capture capture = new Capture(settings, stored);
    capture.thread.execute(capture.engine);
    log.info("capture started: {}", settings);
    return capture;
  }

  /**
   * The binlog position before which every source change is in Kafka; empty until the first
   * batch was acknowledged.
   */
  public Optional<SourcePosition> restartPoint() {
    return forwarder.restartPoint();
  }

  /** Why the stream ended, if it ended by failure: the problem, the position and the fix. */
  public Optional<CaptureFailedException> failure() {
    return Optional.ofNullable(failure.get());
  }

  /**
   * Where a restart would resume: the offset stored now; if Kafka cannot tell, this run's
   * progress, else the offset stored at start.
   */
  private Optional<SourcePosition> resumePoint() {
    try {
      Optional<SourcePosition> stored = StoredOffsets.restartPoint(settings.bootstrapServers(),
          settings.topics(), OFFSET_READ_TIMEOUT);
      if (stored.isPresent()) {
        return stored;
      }
    } catch (RuntimeException e) {
      log.warn("cannot read the stored offset of source {}: {}", settings.topics().source(),
          e.getMessage());
    }
    return forwarder.restartPoint().or(() -> storedAtStart);
  }

  @Override
  public void close() throws IOException, InterruptedException {
    if (!engineEnded.get()) {
      try {
        engine.close();
      } catch (IllegalStateException e) {
        // The engine ended by itself between the check and the call; nothing left to stop.
        log.debug("engine of source {} already stopped", settings.topics().source(), e);
      }
    }
    thread.shutdown();
    if (!thread.awaitTermination(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      log.warn("capture engine did not stop within {}", STOP_TIMEOUT);
    }
    producer.close(STOP_TIMEOUT);
    log.info("capture of source {} stopped", settings.topics().source());
  }

  private static Map<String, Object> producerConfig(String bootstrap) {
    return Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.LINGER_MS_CONFIG, 5,
        ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd",
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 64 * 1024 * 1024,
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
  }

  private static void ensureTopic(CaptureSettings s) {
    try (Admin admin = Admin.create(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrapServers()))) {
      NewTopic topic = new NewTopic(s.topics().changes(), s.partitions(), s.replicationFactor())
          .configs(Map.of("max.message.bytes", Integer.toString(64 * 1024 * 1024)));
      admin.createTopics(List.of(topic)).all().get(60, TimeUnit.SECONDS);
      log.info("created topic {} with {} partitions", topic.name(), s.partitions());
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("cannot create Kafka topic " + s.topics().changes()
            + " at " + s.bootstrapServers() + ": " + e.getCause().getMessage(), e.getCause());
      }
    } catch (TimeoutException e) {
      throw new IllegalStateException("Kafka at " + s.bootstrapServers() + " did not answer within"
          + " 60 s; check KAFKA_BOOTSTRAP_SERVERS", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    }
  }
}
