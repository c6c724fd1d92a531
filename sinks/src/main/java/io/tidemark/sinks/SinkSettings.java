package io.tidemark.sinks;

import io.tidemark.schemas.BundleCodec;
import io.tidemark.schemas.BundleFormat;
import io.tidemark.schemas.MasterKey;
import io.tidemark.schemas.TopicNames;
import io.tidemark.sinks.s3.S3BundleStore;
import java.time.Duration;
import java.util.Objects;

/**
 * What a sink worker needs.
 *
 * @param topics the source's topics; the worker consumes {@link TopicNames#changes()}
 * @param bootstrapServers Kafka bootstrap servers
 * @param bucket the S3 bucket
 * @param prefix the repository prefix inside the bucket ("" for the root)
 * @param flush when batches of change events become bundles
 * @param snapshotFlush when batches of snapshot rows become chunk bundles: larger than change
 *     bundles, since no latency hangs on them and a restore pays a request and a commit per
 *     bundle
 * @param format bundle compression and, with a master key, client-side encryption
 * @param pollTimeout longest wait for records in one poll; bounds how late an AGE flush can be
 * @param backoff retries of one upload before the bundle goes to the spool
 * @param maxConsecutiveFailures failed uploads in a row after which the worker shuts down in
 *     order (stops intake, spools every batch, commits, stops)
 * @param multipartThreshold bundles of this many bytes or more are uploaded in parts of this size
 *     (at least 5 MiB)
 * @param maxBufferedBytes the most all of a worker's batches may hold together (uncompressed);
 *     at this the largest batch is written at once ({@link FlushReason#MEMORY}); bundles being
 *     written and uploaded hold at most a quarter of it more (one bundle always goes)
 * @param sessionTimeout how long the group waits for a worker that stopped answering (killed,
 *     partitioned away) before its partitions move to the others
 */
public record SinkSettings(
    TopicNames topics, String bootstrapServers, String bucket, String prefix, FlushPolicy flush,
    FlushPolicy snapshotFlush, BundleFormat format, Duration pollTimeout, Backoff backoff, int maxConsecutiveFailures,
    long multipartThreshold, long maxBufferedBytes, Duration sessionTimeout) {

  public SinkSettings {
    Objects.requireNonNull(topics, "topics");
    Objects.requireNonNull(bucket, "bucket");
    Objects.requireNonNull(prefix, "prefix");
    Objects.requireNonNull(backoff, "backoff");
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(flush, "flush");
    Objects.requireNonNull(snapshotFlush, "snapshotFlush");
    if (multipartThreshold < MIN_MULTIPART_THRESHOLD) {
      throw new IllegalArgumentException("multipartThreshold must be at least 5 MiB (S3's smallest"
          + " part), not " + multipartThreshold + " bytes");
    }
    Objects.requireNonNull(sessionTimeout, "sessionTimeout");
    if (maxBufferedBytes < 1) {
      throw new IllegalArgumentException("maxBufferedBytes must be positive, not "
          + maxBufferedBytes);
    }
    if (maxConsecutiveFailures < 1) {
      throw new IllegalArgumentException("maxConsecutiveFailures must be at least 1");
    }
  }

  /** Bundles from this size on go up in parts: 16 MiB. */
  public static final long DEFAULT_MULTIPART_THRESHOLD = S3BundleStore.DEFAULT_MULTIPART_THRESHOLD;
  private static final long MIN_MULTIPART_THRESHOLD = 5L * 1024 * 1024;
  /** All batches of a worker together: 128 MiB. */
  public static final long DEFAULT_MAX_BUFFERED_BYTES = 128L << 20;
  /** Kafka's default: a killed worker's partitions wait this long for another. */
  public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(45);

  /** The usual settings for a source, bucket and prefix: zstd, plain, parts from 16 MiB. */
  public static SinkSettings defaults(TopicNames topics, String bootstrapServers, String bucket,
      String prefix) {
    return new SinkSettings(topics, bootstrapServers, bucket, prefix, FlushPolicy.DEFAULT,
        FlushPolicy.SNAPSHOT_DEFAULT, BundleFormat.DEFAULT, Duration.ofMillis(500), Backoff.DEFAULT, 5,
        DEFAULT_MULTIPART_THRESHOLD, DEFAULT_MAX_BUFFERED_BYTES, DEFAULT_SESSION_TIMEOUT);
  }

  public SinkSettings withFlush(FlushPolicy policy) {
    return new SinkSettings(topics, bootstrapServers, bucket, prefix, policy, snapshotFlush, format, pollTimeout,
        backoff, maxConsecutiveFailures, multipartThreshold, maxBufferedBytes, sessionTimeout);
  }

  /** When batches of snapshot rows become chunk bundles. */
  public SinkSettings withSnapshotFlush(FlushPolicy policy) {
    return new SinkSettings(topics, bootstrapServers, bucket, prefix, flush, policy, format,
        pollTimeout, backoff, maxConsecutiveFailures, multipartThreshold, maxBufferedBytes,
        sessionTimeout);
  }

  public SinkSettings withBackoff(Backoff retries, int maxFailuresInARow) {
    return new SinkSettings(topics, bootstrapServers, bucket, prefix, flush, snapshotFlush, format, pollTimeout,
        retries, maxFailuresInARow, multipartThreshold, maxBufferedBytes, sessionTimeout);
  }

  /**
   * Bundles compressed with {@code codec}.
   */
  public SinkSettings withCodec(BundleCodec codec) {
    return withFormat(new BundleFormat(codec, format.masterKey()));
  }

  /**
   * Bundles encrypted with {@code masterKey} (null: plain). The app maps
   * {@code TIDEMARK_MASTER_KEY_FILE} / {@code TIDEMARK_MASTER_KEY} to it through
   * {@link MasterKey#load}.
   */
  public SinkSettings withMasterKey(MasterKey masterKey) {
    return withFormat(new BundleFormat(format.codec(), masterKey));
  }

  private SinkSettings withFormat(BundleFormat bundles) {
    return new SinkSettings(topics, bootstrapServers, bucket, prefix, flush, snapshotFlush, bundles, pollTimeout,
        backoff, maxConsecutiveFailures, multipartThreshold, maxBufferedBytes, sessionTimeout);
  }

  public SinkSettings withMultipartThreshold(long bytes) {
    return new SinkSettings(topics, bootstrapServers, bucket, prefix, flush, snapshotFlush, format, pollTimeout,
        backoff, maxConsecutiveFailures, bytes, maxBufferedBytes, sessionTimeout);
  }

  /** A worker whose batches together hold at most {@code bytes}. */
  public SinkSettings withMaxBufferedBytes(long bytes) {
    return new SinkSettings(topics, bootstrapServers, bucket, prefix, flush, snapshotFlush, format, pollTimeout,
        backoff, maxConsecutiveFailures, multipartThreshold, bytes, sessionTimeout);
  }

  /** A group that moves a silent worker's partitions after {@code timeout}. */
  public SinkSettings withSessionTimeout(Duration timeout) {
    return new SinkSettings(topics, bootstrapServers, bucket, prefix, flush, snapshotFlush, format, pollTimeout,
        backoff, maxConsecutiveFailures, multipartThreshold, maxBufferedBytes, timeout);
  }

  /** When the worker's batches become bundles. */
  public FlushPlanner planner() {
    return new FlushPlanner(flush, snapshotFlush, maxBufferedBytes);
  }

  /** All workers of one source form one consumer group. */
  public String groupId() {
    return "tidemark-sink-" + topics.source();
  }
}
