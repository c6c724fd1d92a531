package io.tidemark.capture;

import io.tidemark.capture.internal.CaptureGroupMember;
import io.tidemark.capture.internal.JvmTimeZone;
import io.tidemark.capture.internal.KafkaTopics;
import io.tidemark.capture.internal.Lifecycle;
import io.tidemark.capture.internal.SourceRequirements;
import io.tidemark.schemas.SourcePosition;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams one source database into its Kafka change topic: first the connector's initial
 * snapshot (on a fresh offset topic), then every binlog row change and DDL, resuming from the
 * offsets kept in Kafka after a restart. The Debezium connector is chosen from what the server
 * reports: MariaDB or MySQL.
 *
 * <p>Any number of captures of one source may run, in any processes: one is
 * {@link CaptureState#ACTIVE}, the others {@link CaptureState#STANDBY}; when the active one dies
 * or closes, a standby takes over where the committed offsets end. Each batch reaches Kafka in
 * one transaction under a transactional id all of them share, so a process that lost the lock
 * but still runs is fenced and cannot add to the change topic (see {@link CaptureState}).
 *
 * <p>Lifecycle: {@link #start} → STANDBY ⇄ ACTIVE → {@link #close} (CLOSED), or FAILED, after
 * which {@link #failure()} tells why. Thread-safe.
 */
public final class Capture implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Capture.class);
  private static final Duration CLOSE_TIMEOUT = Duration.ofMinutes(3);

  private final CaptureSettings settings;
  private final Lifecycle lifecycle;
  private final AtomicReference<SourcePosition> restartPoint = new AtomicReference<>();
  private final CaptureGroupMember member;
  private final ExecutorService thread;

  private Capture(CaptureSettings settings) {
    this.settings = settings;
    this.lifecycle = new Lifecycle(settings.topics().source());
    this.member = new CaptureGroupMember(settings, lifecycle, restartPoint);
    this.thread = Executors.newSingleThreadExecutor(
        r -> new Thread(r, "tidemark-capture-group-" + settings.topics().source()));
  }

  /**
   * Creates the source's topics if needed and joins its capture group in a background thread:
   * the capture streams once the group makes it the active one.
   *
   * @throws IllegalStateException if the JVM's default time zone is not UTC (see
   *     {@code JvmTimeZone}): Debezium reads DATETIME values through it
   */
  public static Capture start(CaptureSettings settings) {
    JvmTimeZone.requireUtc(ZoneId.systemDefault());
    KafkaTopics.ensureCaptureTopics(settings);
    Capture capture = new Capture(settings);
    capture.thread.execute(capture.member);
    log.info("capture joining group {}: {}", settings.fencingId(), settings);
    return capture;
  }

  /**
   * Checks, before anything starts, that the source accepts the capture user's login, that the
   * user holds every grant capture needs and that the binlog is on in ROW format with full row
   * images.
   *
   * @return every unmet requirement, each naming its fix; empty when capture can start
   * @throws IllegalStateException when the source cannot be reached or refuses the login
   */
  public static List<String> unmetRequirements(String host, int port, String user,
      String password) {
    return SourceRequirements.unmet(host, port, user, password);
  }

  /** Where this capture is in its life; ACTIVE when it is the one that streams. */
  public CaptureState state() {
    return lifecycle.get();
  }

  /**
   * The binlog position before which every source change is in Kafka, as far as this capture
   * wrote it; empty until its first batch was committed.
   */
  public Optional<SourcePosition> restartPoint() {
    return Optional.ofNullable(restartPoint.get());
  }

  /** Why the capture is FAILED; empty in every other state. */
  public Optional<Throwable> failure() {
    return Optional.ofNullable(member.failure());
  }

  /**
   * Stops streaming (the engine commits its offsets), then leaves the capture group so that a
   * standby takes over at once. Waits for both.
   */
  @Override
  public void close() throws InterruptedException {
    member.close();
    thread.shutdown();
    if (!thread.awaitTermination(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
      log.warn("capture of source {} did not stop within {}", settings.topics().source(),
          CLOSE_TIMEOUT);
    }
    log.info("capture of source {} stopped ({})", settings.topics().source(), state());
  }
}
