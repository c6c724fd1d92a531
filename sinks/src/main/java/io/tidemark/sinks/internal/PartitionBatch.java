package io.tidemark.sinks.internal;

import io.tidemark.schemas.BundleContent;
import io.tidemark.schemas.BundleWriter;
import io.tidemark.schemas.avro.ChangeEvent;
import java.time.Instant;

/** The events of one topic-partition not yet in a bundle. Confined to the worker thread. */
public final class PartitionBatch {
  private BundleWriter<ChangeEvent> writer;
  private Instant firstEventAt;
  private final String topic;
  private final int partition;

  public PartitionBatch(String topic, int partition) {
    this.topic = topic;
    this.partition = partition;
  }

  public void add(long offset, ChangeEvent event, Instant now) {
    if (writer == null) {
      writer = new BundleWriter<>(BundleContent.CHANGES, topic, partition);
      firstEventAt = now;
    }
    writer.add(offset, event);
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

  /** Hands the batch over for writing and starts an empty one. */
  public BundleWriter<ChangeEvent> take() {
    BundleWriter<ChangeEvent> taken = writer;
    writer = null;
    firstEventAt = null;
    return taken;
  }
}
