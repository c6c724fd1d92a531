package io.tidemark.capture.internal;

import static io.tidemark.capture.CaptureState.ACTIVATING;
import static io.tidemark.capture.CaptureState.ACTIVE;
import static io.tidemark.capture.CaptureState.CLOSED;
import static io.tidemark.capture.CaptureState.DEACTIVATING;
import static io.tidemark.capture.CaptureState.FAILED;
import static io.tidemark.capture.CaptureState.STANDBY;

import io.tidemark.capture.CaptureSettings;
import io.tidemark.capture.CaptureState;
import io.tidemark.schemas.SourcePosition;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One capture process's membership in the capture group of its source. The group's only
 * partition, of the lock topic, is the lock: the member it is assigned to begins a
 * {@link LeaderTerm}, the others poll and wait. The cooperative sticky assignor leaves the lock
 * with its holder when members join; a member that stops heartbeating for the session timeout
 * is evicted and the lock moves. Whoever gets it fences the previous writer through Kafka before
 * it writes, so a holder that was evicted but still runs (a pause, a partition) cannot commit.
 *
 * <p>{@link #run()} is the member's loop, on one thread; every state change happens there
 * (rebalance callbacks run inside its poll). {@link #close()} may be called from any thread.
 */
public final class CaptureGroupMember implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(CaptureGroupMember.class);
  private static final Duration POLL = Duration.ofMillis(100);
  /** How long a member that stopped heartbeating (a crash) keeps the lock. */
  static final Duration SESSION_TIMEOUT = Duration.ofSeconds(10);

  private final CaptureSettings settings;
  private final Lifecycle lifecycle;
  private final AtomicReference<SourcePosition> restartPoint;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final AtomicBoolean closeRequested = new AtomicBoolean();
  private final TopicPartition lock;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private LeaderTerm term; // the loop thread's only

  public CaptureGroupMember(CaptureSettings settings, Lifecycle lifecycle,
      AtomicReference<SourcePosition> restartPoint) {
    this.settings = settings;
    this.lifecycle = lifecycle;
    this.restartPoint = restartPoint;
    this.lock = new TopicPartition(settings.topics().captureLock(), 0);
    this.consumer = new KafkaConsumer<>(consumerConfig(settings),
        new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /** Why the member failed; empty unless its state is FAILED. */
  public Throwable failure() {
    return failure.get();
  }

  /** Asks the loop to stop streaming, leave the group and return. */
  public void close() {
    closeRequested.set(true);
  }

  @Override
  public void run() {
    try {
      consumer.subscribe(List.of(lock.topic()), new LockListener());
      while (!closeRequested.get() && lifecycle.get() != FAILED) {
        consumer.poll(POLL);
        if (lifecycle.get() == STANDBY && consumer.assignment().contains(lock)) {
          activate();
        }
        if (lifecycle.get() == ACTIVE && term.endedBy().isPresent()) {
          fail(term.endedBy().get());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail(e);
    } catch (RuntimeException | Error e) {
      fail(e);
    } finally {
      leave();
    }
  }

  private void activate() throws InterruptedException {
    lifecycle.move(STANDBY, ACTIVATING);
    try {
      term = LeaderTerm.begin(settings, restartPoint);
    } catch (RuntimeException e) {
      fail(e);
      return;
    }
    lifecycle.move(ACTIVATING, ACTIVE);
  }

  /** Records the first failure, stops streaming; the loop then leaves the group. */
  private void fail(Throwable why) {
    failure.compareAndSet(null, why);
    if (lifecycle.fail()) {
      log.error("capture of source {} failed; leaving the capture group so that a standby"
          + " takes over", settings.topics().source(), why);
    }
    try {
      endTerm();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void endTerm() throws InterruptedException {
    if (term != null) {
      LeaderTerm ending = term;
      term = null;
      ending.end();
    }
  }

  /** Stops streaming first, then leaves the group: the lock moves only after the engine stopped. */
  private void leave() {
    CaptureState before = lifecycle.get();
    try {
      if (before == ACTIVE) {
        lifecycle.move(ACTIVE, DEACTIVATING);
      }
      endTerm();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      try {
        consumer.close(CloseOptions.timeout(Duration.ofSeconds(30)));
      } catch (RuntimeException e) {
        log.warn("capture group member of source {} did not leave cleanly",
            settings.topics().source(), e);
      }
      if (before == ACTIVE) {
        lifecycle.move(DEACTIVATING, CLOSED);
      } else if (before == STANDBY) {
        lifecycle.move(STANDBY, CLOSED);
      }
    }
  }

  private final class LockListener implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      if (partitions.contains(lock)) {
        consumer.pause(List.of(lock)); // the lock topic holds nothing to read
        log.info("capture of source {} got the capture lock {}", settings.topics().source(), lock);
      }
    }

    /** A clean hand-over: the engine stops (and commits its offsets) before the lock moves. */
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      if (!partitions.contains(lock) || lifecycle.get() != ACTIVE) {
        return;
      }
      lifecycle.move(ACTIVE, DEACTIVATING);
      try {
        endTerm();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      lifecycle.move(DEACTIVATING, STANDBY);
    }

    /**
     * The group evicted this member while it believed it held the lock: another process may
     * already write. Stop at once and fail loudly; a restarted process joins as a standby.
     */
    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      if (partitions.contains(lock) && lifecycle.get().holdsLock()) {
        fail(new IllegalStateException("capture of source " + settings.topics().source()
            + " lost the capture lock: no heartbeat reached Kafka within " + SESSION_TIMEOUT
            + ", so another process may have taken over"));
      }
    }
  }

  private static Map<String, Object> consumerConfig(CaptureSettings s) {
    return Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, s.fencingId(),
        // Classic: eviction by a client-side session timeout, callbacks inside poll.
        ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic",
        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
        CooperativeStickyAssignor.class.getName(),
        ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) SESSION_TIMEOUT.toMillis(),
        ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 1_000,
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
  }
}
