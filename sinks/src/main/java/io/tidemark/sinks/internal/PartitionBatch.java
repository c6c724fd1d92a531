package io.tidemark.sinks.internal;

import io.tidemark.schemas.avro.ChangeEvent;
import io.tidemark.schemas.avro.Operation;
import io.tidemark.schemas.BundleContent;
import io.tidemark.schemas.BundleWriter;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * The entries of one topic-partition not yet in a bundle. Confined to the worker thread.
 *
 * @param <T> change events or snapshot records
 */
public final class PartitionBatch<T extends SpecificRecordBase> {
  private final BundleContent<T> content;
  private final String topic;
  private final int partition;
  private BundleWriter<T> writer;
  private Instant firstEventAt;
  private String snapshotId;
  private boolean endsWithSchemaChange;

  public PartitionBatch(BundleContent<T> content, String topic, int partition) {
    this.content = content;
    this.topic = topic;
    this.partition = partition;
  }

  /**
   * Adds an entry with its Avro encoding as the Kafka record carried it ({@code datum}, kept as
   * it is); {@code snapshotId} names the snapshot a snapshot batch belongs to (one snapshot per
   * bundle), null for change events.
   */
  public void add(long offset, T entry, ByteBuffer datum, String snapshotId, Instant now) {
    endsWithSchemaChange = entry instanceof ChangeEvent e && e.getOperation() == Operation.DDL;
    if (writer == null) {
      writer = new BundleWriter<>(content, topic, partition);
      firstEventAt = now;
      this.snapshotId = snapshotId;
    }
    writer.add(offset, entry, datum);
  }

  public int events() {
    return writer == null ? 0 : writer.eventCount();
  }

  public long bytes() {
    return writer == null ? 0 : writer.encodedBytes();
  }

  public Instant firstEventAt() {
    return firstEventAt;
  }

  /** Whether the last entry added is a DDL event. */
  public boolean endsWithSchemaChange() {
    return endsWithSchemaChange;
  }

  /** The snapshot of the batch's entries; null for change events or an empty batch. */
  public String snapshotId() {
    return snapshotId;
  }

  /** Hands the batch over for writing and starts an empty one. */
  public BundleWriter<T> take() {
    BundleWriter<T> taken = writer;
    writer = null;
    firstEventAt = null;
    endsWithSchemaChange = false;
    return taken;
  }
}
