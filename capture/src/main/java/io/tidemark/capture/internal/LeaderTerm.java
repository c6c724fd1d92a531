package io.tidemark.capture.internal;

import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.tidemark.capture.CaptureFailedException;
import io.tidemark.capture.CaptureSettings;
import io.tidemark.schemas.SourcePosition;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One term of leadership of a capture process: a transactional producer that fenced every
 * earlier writer of the source, and a Debezium engine streaming through it. Begun only by the
 * process that holds the capture lock; ended before the lock is given up.
 *
 * <p>{@link #begin} and {@link #end} are called by the capture group member's thread;
 * {@link #endedBy()} from any thread.
 */
public final class LeaderTerm {
  private static final Logger log = LoggerFactory.getLogger(LeaderTerm.class);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

  private static final Duration OFFSET_READ_TIMEOUT = Duration.ofSeconds(30);

  private final CaptureSettings settings;
  private final AtomicReference<SourcePosition> restartPoint;
  private final String source;
  private final KafkaProducer<byte[], byte[]> producer;
  private final DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
  private final ExecutorService thread;
  private final AtomicBoolean stopRequested = new AtomicBoolean();
  private final AtomicReference<Throwable> endedBy = new AtomicReference<>();
  /** Counted down once the engine polls or has ended: before that it refuses to close. */
  private final CountDownLatch closable = new CountDownLatch(1);

  private LeaderTerm(CaptureSettings s, ServerFlavor flavor,
      KafkaProducer<byte[], byte[]> producer, AtomicReference<SourcePosition> restartPoint) {
    this.settings = s;
    this.restartPoint = restartPoint;
    this.source = s.topics().source();
    this.producer = producer;
    this.engine = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
        .using(EngineProperties.of(s, flavor))
        .using(new DebeziumEngine.ConnectorCallback() {
          @Override
          public void pollingStarted() {
            closable.countDown();
          }
        })
        .using(this::engineEnded)
        .notifying(new KafkaForwarder(producer, s.topics().changes(), restartPoint))
        .build();
    this.thread = Executors.newSingleThreadExecutor(r -> new Thread(r, "tidemark-capture-" + source));
  }

  /**
   * Asks the source what it is, fences every earlier writer of the source (the broker aborts
   * their open transaction) and starts the engine in the background.
   *
   * @throws IllegalStateException if the source or Kafka cannot be used
   */
  public static LeaderTerm begin(CaptureSettings s, AtomicReference<SourcePosition> restartPoint) {
    ServerFlavor flavor = ServerProbe.flavorOf(s);
    KafkaProducer<byte[], byte[]> producer =
        KafkaTopics.producer(s.bootstrapServers(), transactional(s));
    try {
      producer.initTransactions();
    } catch (KafkaException e) {
      producer.close(Duration.ZERO);
      throw new IllegalStateException("cannot take over writing for source "
          + s.topics().source() + " (transactional id " + s.fencingId() + "): " + e.getMessage(), e);
    }
    LeaderTerm term;
    try {
      term = new LeaderTerm(s, flavor, producer, restartPoint);
    } catch (RuntimeException e) {
      producer.close(Duration.ZERO); // the engine refused its configuration
      throw e;
    }
    term.thread.execute(term.engine);
    log.info("capture of source {}: fenced earlier writers, engine started ({} connector)",
        s.topics().source(), flavor);
    return term;
  }

  /**
   * Why the engine stopped by itself (failure, or fenced by a newer writer); empty while it
   * runs or when it stopped because {@link #end} asked it to.
   */
  public Optional<Throwable> endedBy() {
    return Optional.ofNullable(endedBy.get());
  }

  /**
   * Stops the engine, which commits the offsets of every batch Kafka committed, then closes the
   * producer. Returns when both are stopped or their timeouts passed.
   */
  public void end() throws InterruptedException {
    stopRequested.set(true);
    if (!closable.await(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
      log.warn("capture engine of source {} did not start polling within {}", source, STOP_TIMEOUT);
    }
    try {
      engine.close();
    } catch (IllegalStateException alreadyStopping) {
      log.debug("capture engine of source {} was already stopping: {}", source,
          alreadyStopping.getMessage());
    } catch (IOException e) {
      log.warn("capture engine of source {} did not close cleanly", source, e);
    }
    thread.shutdown();
    if (!thread.awaitTermination(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
      log.warn("capture engine of source {} did not stop within {}", source, STOP_TIMEOUT);
    }
    producer.close(STOP_TIMEOUT);
  }

  private void engineEnded(boolean success, String message, Throwable error) {
    closable.countDown();
    if (stopRequested.get()) {
      // Closing while a poll is in flight makes the async engine report a rejected task; the
      // batch it held was not marked processed, so it is replayed, and nothing failed.
      log.info("capture engine of source {} stopped on request", source);
      return;
    }
    CaptureFailedException why = FailureClassifier.classify(source, message, error, resumePoint());
    endedBy.compareAndSet(null, why);
    log.error("{}", why.getMessage(), error);
  }

  /**
   * Where a restart would resume: the offset stored now; if Kafka cannot tell, this term's
   * progress.
   */
  private Optional<SourcePosition> resumePoint() {
    try {
      Optional<SourcePosition> stored = StoredOffsets.restartPoint(settings.bootstrapServers(),
          settings.topics(), OFFSET_READ_TIMEOUT);
      if (stored.isPresent()) {
        return stored;
      }
    } catch (RuntimeException e) {
      log.warn("cannot read the stored offset of source {}: {}", source, e.getMessage());
    }
    return Optional.ofNullable(restartPoint.get());
  }

  private static Map<String, Object> transactional(CaptureSettings s) {
    return Map.of(
        ProducerConfig.TRANSACTIONAL_ID_CONFIG, s.fencingId(),
        // The broker aborts a transaction left open this long (a writer that died without a
        // successor); until then read_committed consumers wait behind it.
        ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 60_000,
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
  }

}
