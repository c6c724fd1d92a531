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
 * A bundle (or manifest) to be made durable, and the offset to commit once it is. Its key and
 * hash are known when it is cut from a batch; its bytes (container, compression, encryption) are
 * written on first use by the thread that stores it, and kept for a retry.
 */
public final class PendingBundle {
  private final TopicPartition partition;
  private final String key;
  private final long commitOffset;
  private final long entries;
  private final FlushReason reason;
  private final String sha256;
  private final long size;
  private BundleWriter<?> unwritten;
  private BundleFormat format;
  private String previousSha256;
  private byte[] body;

  /**
   * A bundle whose bytes are ready.
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
  public PendingBundle(TopicPartition partition, String key, byte[] body, long commitOffset,
      long entries, FlushReason reason, String sha256) {
    this(partition, key, commitOffset, entries, reason, sha256, body.length);
    this.body = body;
  }

  private PendingBundle(TopicPartition partition, String key, long commitOffset, long entries,
      FlushReason reason, String sha256, long size) {
    this.partition = partition;
    this.key = key;
    this.commitOffset = commitOffset;
    this.entries = entries;
    this.reason = reason;
    this.sha256 = sha256;
    this.size = size;
  }

  /** A snapshot manifest, made durable after its last chunk. */
  public static PendingBundle manifest(TopicPartition tp, String key, byte[] json,
      long commitOffset) {
    return new PendingBundle(tp, key, json, commitOffset, 0, FlushReason.SNAPSHOT_END, null);
  }

  /**
   * Takes a batch into a bundle, named by its content, snapshot and offsets; its bytes are
   * written later, by {@link #body()}.
   *
   * @param previousSha256 the hash chain's previous link for change bundles ("" for none, null
   *     when unknown); snapshot chunks are outside the chain
   */
  public static PendingBundle of(TopicPartition tp, PartitionBatch<?> batch, String prefix,
      BundleFormat format, String previousSha256, FlushReason reason) {
    String snapshotId = batch.snapshotId();
    String link = snapshotId == null ? previousSha256 : null;
    BundleWriter<?> writer = batch.take();
    BundleMetadata meta = writer.metadata(link);
    String key = snapshotId == null
        ? BundleKeys.changeBundle(prefix, tp.topic(), tp.partition(), meta.firstOffset(),
            meta.lastOffset())
        : SnapshotKeys.chunkBundle(prefix, snapshotId, meta.firstOffset(), meta.lastOffset());
    PendingBundle bundle = new PendingBundle(tp, key, meta.lastOffset() + 1, meta.eventCount(),
        reason, meta.sha256(), writer.encodedBytes());
    bundle.unwritten = writer;
    bundle.format = format;
    bundle.previousSha256 = link;
    return bundle;
  }

  /** Its bytes, written on the first call (then the entries are dropped and the bytes kept). */
  public synchronized byte[] body() {
    if (body == null) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream((int) Math.min(size, 1 << 26));
      try {
        unwritten.writeTo(bytes, format, previousSha256);
      } catch (IOException e) {
        throw new UncheckedIOException("writing bundle " + key + " in memory failed", e);
      }
      body = bytes.toByteArray();
      unwritten = null;
    }
    return body;
  }

  public TopicPartition partition() {
    return partition;
  }

  public String key() {
    return key;
  }

  public long commitOffset() {
    return commitOffset;
  }

  public long entries() {
    return entries;
  }

  public FlushReason reason() {
    return reason;
  }

  /** The bundle's hash (what the partition's next bundle chains to); null for a manifest. */
  public String sha256() {
    return sha256;
  }

  /** Bytes it holds in memory before it is written (its entries, uncompressed). */
  public long size() {
    return size;
  }
}
