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
 */
public record SinkSettings(
    TopicNames topics, String bootstrapServers, String bucket, String prefix, FlushPolicy flush,
    BundleCodec codec, Duration pollTimeout) {

  public SinkSettings {
    Objects.requireNonNull(topics, "topics");
    Objects.requireNonNull(bucket, "bucket");
    Objects.requireNonNull(prefix, "prefix");
  }

  /** All workers of one source form one consumer group. */
  public String groupId() {
    return "tidemark-sink-" + topics.source();
  }
}
