package io.tidemark.sinks.internal;

import io.tidemark.schemas.BundleFormat;
import io.tidemark.schemas.BundleKeys;
import io.tidemark.schemas.BundleMetadata;
import io.tidemark.schemas.BundleWriter;
import io.tidemark.schemas.SnapshotKeys;
import io.tidemark.sinks.FlushReason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.common.TopicPartition;

/**
 * A bundle (or manifest) ready to be made durable, and the offset to commit once it is.
 *
 * @param partition the partition whose entries it holds
 * @param key its object key
 * @param body its bytes
 * @param commitOffset the offset to commit once it is durable
 * @param entries how many entries it holds
 * @param reason why it was flushed
 * @param sha256 the bundle's hash (what the partition's next bundle chains to); null for a
 *     manifest
 */
public record PendingBundle(TopicPartition partition, String key, byte[] body, long commitOffset,
    long entries, FlushReason reason, String sha256) {

  /** A snapshot manifest, made durable after its last chunk. */
  public static PendingBundle manifest(TopicPartition tp, String key, byte[] json,
      long commitOffset) {
    return new PendingBundle(tp, key, json, commitOffset, 0, FlushReason.SNAPSHOT_END, null);
  }

  /**
   * Writes a batch into a bundle, named by its content, snapshot and offsets.
   *
   * @param previousSha256 the hash chain's previous link for change bundles ("" for none, null
   *     when unknown); snapshot chunks are outside the chain
   */
  public static PendingBundle of(TopicPartition tp, PartitionBatch<?> batch, String prefix,
      BundleFormat format, String previousSha256, FlushReason reason) {
    String snapshotId = batch.snapshotId();
    BundleWriter<?> writer = batch.take();
    ByteArrayOutputStream bytes =
        new ByteArrayOutputStream((int) Math.min(writer.encodedBytes(), 1 << 26));
    BundleMetadata meta;
    try {
      meta = writer.writeTo(bytes, format, snapshotId == null ? previousSha256 : null);
    } catch (IOException e) {
      throw new UncheckedIOException("writing a bundle in memory failed", e);
    }
    String key = snapshotId == null
        ? BundleKeys.changeBundle(prefix, tp.topic(), tp.partition(), meta.firstOffset(),
            meta.lastOffset())
        : SnapshotKeys.chunkBundle(prefix, snapshotId, meta.firstOffset(), meta.lastOffset());
    return new PendingBundle(tp, key, bytes.toByteArray(), meta.lastOffset() + 1,
        meta.eventCount(), reason, meta.sha256());
  }
}
