package io.tidemark.sinks;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * When a batch becomes a bundle: a pure function of the batch's shape and the time.
 *
 * @param maxEvents flush at this many events
 * @param maxBytes flush at this many uncompressed bytes
 * @param maxAge flush when the first event of the batch is this old
 */
public record FlushPolicy(int maxEvents, long maxBytes, Duration maxAge) {
  public static final FlushPolicy DEFAULT = new FlushPolicy(1000, 64L << 20, Duration.ofSeconds(10));
  /** Snapshot rows: chunk bundles of up to 50,000 rows or 32 MiB. */
  public static final FlushPolicy SNAPSHOT_DEFAULT =
      new FlushPolicy(50_000, 32L << 20, Duration.ofSeconds(10));

  public FlushPolicy {
    if (maxEvents < 1 || maxBytes < 1 || maxAge.isNegative() || maxAge.isZero()) {
      throw new IllegalArgumentException("flush limits must be positive: " + maxEvents + " events, "
          + maxBytes + " bytes, " + maxAge);
    }
  }

  /**
   * @param events events in the batch
   * @param bytes uncompressed bytes in the batch
   * @param firstEventAt when the batch's first event was added
   * @param endsWithSchemaChange whether the batch's last event is DDL
   * @param now the current time
   */
  public Optional<FlushReason> check(int events, long bytes, Instant firstEventAt,
      boolean endsWithSchemaChange, Instant now) {
    if (events == 0) {
      return Optional.empty();
    }
    if (endsWithSchemaChange) {
      return Optional.of(FlushReason.SCHEMA_CHANGE);
    }
    if (events >= maxEvents) {
      return Optional.of(FlushReason.COUNT);
    }
    if (bytes >= maxBytes) {
      return Optional.of(FlushReason.BYTES);
    }
    if (!now.isBefore(firstEventAt.plus(maxAge))) {
      return Optional.of(FlushReason.AGE);
    }
    return Optional.empty();
  }
}
