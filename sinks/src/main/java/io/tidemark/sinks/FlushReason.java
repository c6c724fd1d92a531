package io.tidemark.sinks;

/** Why a partition's batch became a bundle. */
public enum FlushReason {
  /** The batch reached its event count limit. */
  COUNT,
  /** The batch reached its size limit. */
  BYTES,
  /** The oldest event in the batch waited long enough. */
  AGE,
  /** The batch ends with a DDL event: a bundle never spans a schema change. */
  SCHEMA_CHANGE,
  /**
   * The worker's batches together reached {@link SinkSettings#maxBufferedBytes()}: the largest
   * one is written early, so memory stays bounded however many partitions the worker holds.
   */
  MEMORY,
  /** A snapshot's closing record arrived: its last rows must be durable before its manifest. */
  SNAPSHOT_END,
  /** The worker is giving the partition up (rebalance) or stopping. */
  SHUTDOWN
}
