package io.tidemark.sinks.internal;

import io.tidemark.filecache.CorruptSpoolEntryException;
import io.tidemark.filecache.Spool;
import io.tidemark.filecache.SpoolEntry;
import io.tidemark.filecache.SpoolFullException;
import io.tidemark.schemas.BundleKeys;
import io.tidemark.schemas.BundleMetadata;
import io.tidemark.sinks.Backoff;
import io.tidemark.sinks.s3.FailureKind;
import io.tidemark.sinks.s3.S3BundleStore;
import io.tidemark.sinks.s3.UploadOutcome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a bundle durable: in S3 when S3 answers, else in the local spool. Once the spool holds
 * anything, new bundles queue behind it so that S3 receives them in order; {@link #drain} moves
 * the spool to S3, oldest first, when S3 answers again. A fatal S3 failure (credentials, missing
 * bucket) is thrown, never spooled. Used by one thread, the {@link StorePipeline}'s; only
 * {@link #consecutiveFailures} and {@link #spoolEmpty} may be read from others.
 */
public final class DurableStore {
  private static final Logger log = LoggerFactory.getLogger(DurableStore.class);

  /** Where a bundle became durable. */
  public enum Result { UPLOADED, SPOOLED }

  private final S3BundleStore s3;
  private final Spool spool;
  private final Backoff backoff;
  private final InstantSource clock;
  private final Sleeper sleeper;
  private final Random random = new Random();
  private volatile int consecutiveFailures;
  private Instant nextDrainAt = Instant.MIN;

  /** Waits between retries; the worker's clock adapter. */
  public interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  public DurableStore(S3BundleStore s3, Spool spool, Backoff backoff, InstantSource clock,
      Sleeper sleeper) {
    this.s3 = s3;
    this.spool = spool;
    this.backoff = backoff;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  /**
   * Makes {@code body} durable at {@code key}.
   *
   * @throws BundleConflictException when a different bundle holds the key
   * @throws SpoolFullException when S3 fails and the spool has no room: nothing is durable
   */
  public Result put(String key, byte[] body) throws SpoolFullException, InterruptedException {
    if (spool.size() == 0 && upload(key, body)) {
      return Result.UPLOADED;
    }
    try {
      spool.append(key, body);
    } catch (SpoolFullException e) {
      throw e;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write to the spool", e);
    }
    log.warn("bundle {} spooled ({} bundles, {} bytes waiting for S3)", key, spool.size(),
        spool.bytes());
    return Result.SPOOLED;
  }

  /**
   * Uploads spooled bundles, oldest first, until the spool is empty or S3 fails again (then the
   * next try waits a backoff). Returns the number uploaded. A conflict at a spooled bundle's key
   * ({@link BundleConflictException}) is thrown: the spool drains in order, so nothing passes it.
   */
  public int drain() throws CorruptSpoolEntryException {
    int drained = 0;
    if (clock.instant().isBefore(nextDrainAt)) {
      return 0;
    }
    for (Optional<SpoolEntry> e = spool.oldest(); e.isPresent(); e = spool.oldest()) {
      SpoolEntry entry = e.get();
      byte[] body;
      try {
        body = spool.read(entry);
      } catch (CorruptSpoolEntryException corrupt) {
        throw corrupt;
      } catch (IOException io) {
        throw new UncheckedIOException("cannot read spool entry " + entry.file(), io);
      }
      if (!tryOnce(entry.key(), body)) {
        nextDrainAt = clock.instant().plus(backoff.max());
        return drained;
      }
      try {
        spool.remove(entry);
      } catch (IOException io) {
        throw new UncheckedIOException("cannot remove spool entry " + entry.file(), io);
      }
      drained++;
    }
    if (drained > 0) {
      log.info("spool drained: {} bundles uploaded to S3", drained);
    }
    return drained;
  }

  /**
   * Where one partition stands, from its newest durable bundle in the spool (spooled bundles are
   * newer than anything uploaded for the partition) or else in S3: what the duplicate filter and
   * the hash chain start from after a restart or a rebalance.
   */
  public PartitionStart start(String keyPrefix) {
    SpoolEntry newest = null;
    for (SpoolEntry e : spool.entries()) { // in append order
      if (e.key().startsWith(keyPrefix) && BundleKeys.isBundle(e.key())) {
        newest = e;
      }
    }
    if (newest != null) {
      try {
        BundleMetadata m = BundleMetadata.of(spool.read(newest), newest.key());
        return new PartitionStart(Optional.of(m.lastPosition()), m.sha256());
      } catch (IOException io) {
        throw new UncheckedIOException("cannot read spool entry " + newest.file(), io);
      }
    }
    try {
      return s3.newestBundle(keyPrefix).map(b -> new PartitionStart(
          Optional.ofNullable(b.lastPosition()), b.sha256())).orElse(PartitionStart.EMPTY);
    } catch (RuntimeException e) {
      if (FailureKind.of(e) == FailureKind.FATAL) {
        throw e;
      }
      log.warn("S3 unreachable; duplicates of {} are filtered from this run on only, and its next"
          + " bundle records no previous hash", keyPrefix);
      return PartitionStart.UNKNOWN;
    }
  }

  public int consecutiveFailures() {
    return consecutiveFailures;
  }

  public boolean spoolEmpty() {
    return spool.size() == 0;
  }

  /** Tries with backoff; false when S3 stayed unreachable for every attempt. */
  private boolean upload(String key, byte[] body) throws InterruptedException {
    Instant started = clock.instant();
    for (int attempt = 1; ; attempt++) {
      if (tryOnce(key, body)) {
        return true;
      }
      Duration wait = backoff.delayAfter(attempt, Duration.between(started, clock.instant()),
          random.nextDouble());
      if (wait == null) {
        return false;
      }
      sleeper.sleep(wait);
    }
  }

  private boolean tryOnce(String key, byte[] body) {
    UploadOutcome outcome;
    try {
      outcome = s3.upload(key, body);
    } catch (RuntimeException e) {
      if (FailureKind.of(e) == FailureKind.FATAL) {
        throw new IllegalStateException("S3 refused " + key + " and will keep refusing: "
            + e.getMessage() + " (check the bucket, the credentials and AWS_ENDPOINT_URL)", e);
      }
      consecutiveFailures++;
      log.warn("upload of {} failed ({} in a row): {}", key, consecutiveFailures, e.getMessage());
      return false;
    }
    if (outcome instanceof UploadOutcome.Conflict c) {
      throw new BundleConflictException(c.key(), c.existingSha256(), c.bundleSha256());
    }
    consecutiveFailures = 0;
    return true;
  }
}
