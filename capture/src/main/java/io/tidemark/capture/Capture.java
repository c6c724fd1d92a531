package io.tidemark.capture;

import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.tidemark.capture.internal.EngineProperties;
import io.tidemark.capture.internal.JvmTimeZone;
import io.tidemark.capture.internal.KafkaForwarder;
import io.tidemark.schemas.SourcePosition;
import java.io.IOException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * Kafka refusing writes) ends the stream; {@link #failure()} then tells why. Thread-safe.
 */
public final class Capture implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Capture.class);
  private static final Duration ACK_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
  /**
   * The largest change event: an UPDATE carries both images, so rows of up to about 32 MiB fit.
   * The topic accepts the same size (max.message.bytes).
   */
  private static final int MAX_EVENT_BYTES = 64 * 1024 * 1024;

  private final CaptureSettings settings;
  private final KafkaProducer<byte[], byte[]> producer;
  private final KafkaForwarder forwarder;
  private final DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
  private final ExecutorService thread;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();

  private Capture(CaptureSettings settings) {
    this.settings = settings;
    this.producer = new KafkaProducer<>(producerConfig(settings.bootstrapServers()),
        new ByteArraySerializer(), new ByteArraySerializer());
    this.forwarder = new KafkaForwarder(producer, settings.topics().changes(), ACK_TIMEOUT);
    this.engine = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
        .using(EngineProperties.of(settings))
        .using((success, message, error) -> {
          if (!success) {
            failure.compareAndSet(null, error != null ? error : new IllegalStateException(message));
            log.error("capture of source {} stopped: {}", settings.topics().source(), message);
          }
        })
        .notifying(forwarder)
        .build();
    this.thread = Executors.newSingleThreadExecutor(r -> new Thread(r, "tidemark-capture"));
  }

  /**
   * Creates the change topic if needed and starts streaming in a background thread.
   *
   * @throws IllegalStateException if the JVM's default time zone is not UTC (see
   *     {@link JvmTimeZone})
   */
  public static Capture start(CaptureSettings settings) {
    JvmTimeZone.requireUtc(ZoneId.systemDefault());
    ensureTopic(settings);
    Capture capture = new Capture(settings);
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

  /** Why the stream ended, if it ended by failure. */
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure.get());
  }

  @Override
  public void close() throws IOException, InterruptedException {
    engine.close();
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
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_EVENT_BYTES,
        // The producer refuses a record larger than its buffer (32 MiB by default).
        ProducerConfig.BUFFER_MEMORY_CONFIG, 2L * MAX_EVENT_BYTES,
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
  }

  private static void ensureTopic(CaptureSettings s) {
    try (Admin admin = Admin.create(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrapServers()))) {
      NewTopic topic = new NewTopic(s.topics().changes(), s.partitions(), s.replicationFactor())
          .configs(Map.of("max.message.bytes", Integer.toString(MAX_EVENT_BYTES)));
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
