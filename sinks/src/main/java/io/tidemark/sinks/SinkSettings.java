package io.tidemark.sinks;

import io.tidemark.schemas.BundleCodec;
import io.tidemark.schemas.TopicNames;
import java.time.Duration;
import java.util.Objects;

/**
 * What a sink worker needs.
 *
 * @param topics the source's topics; the worker consumes {@link TopicNames#changes()}
 * @param bootstrapServers Kafka bootstrap servers
 * @param bucket the S3 bucket
 * @param prefix the repository prefix inside the bucket ("" for the root)
 * @param flush when batches become bundles
 * @param codec bundle compression
 * @param pollTimeout longest wait for records in one poll; bounds how late an AGE flush can be
 * @param backoff retries of one upload before the bundle goes to the spool
 * @param maxConsecutiveFailures failed uploads in a row after which the worker shuts down in
 *     order (stops intake, spools every batch, commits, stops)
 */
public record SinkSettings(
    TopicNames topics, String bootstrapServers, String bucket, String prefix, FlushPolicy flush,
    BundleCodec codec, Duration pollTimeout, Backoff backoff, int maxConsecutiveFailures) {

  public SinkSettings {
    Objects.requireNonNull(topics, "topics");
    Objects.requireNonNull(bucket, "bucket");
    Objects.requireNonNull(prefix, "prefix");
    Objects.requireNonNull(backoff, "backoff");
    if (maxConsecutiveFailures < 1) {
      throw new IllegalArgumentException("maxConsecutiveFailures must be at least 1");
    }
  }

  /** The usual settings for a source, bucket and prefix. */
  public static SinkSettings defaults(TopicNames topics, String bootstrapServers, String bucket,
      String prefix) {
    return new SinkSettings(topics, bootstrapServers, bucket, prefix, FlushPolicy.DEFAULT,
        BundleCodec.ZSTD, Duration.ofMillis(500), Backoff.DEFAULT, 5);
  }

  public SinkSettings withFlush(FlushPolicy policy) {
    return new SinkSettings(topics, bootstrapServers, bucket, prefix, policy, codec, pollTimeout,
        backoff, maxConsecutiveFailures);
  }

  public SinkSettings withCodec(BundleCodec compression) {
    return new SinkSettings(topics, bootstrapServers, bucket, prefix, flush, compression,
        pollTimeout, backoff, maxConsecutiveFailures);
  }

  public SinkSettings withBackoff(Backoff retries, int maxFailuresInARow) {
    return new SinkSettings(topics, bootstrapServers, bucket, prefix, flush, codec, pollTimeout,
        retries, maxFailuresInARow);
  }

  /** All workers of one source form one consumer group. */
  public String groupId() {
    return "tidemark-sink-" + topics.source();
  }
}
