package io.tidemark.restore;

import io.tidemark.schemas.GtidSet;
import io.tidemark.schemas.avro.ChangeEvent;
import java.time.Instant;

/**
 * Where replay stops: at the end of the archive, after the last transaction committed at or
 * before a time, or after the transactions of a GTID position. Binlog commit times have
 * one-second resolution, and so has {@code --until-time}.
 *
 * @param time apply transactions committed at or before it; null for no time limit
 * @param gtids apply transactions this GTID position covers; null for no GTID limit
 */
public record Until(Instant time, GtidSet gtids) {
  public static final Until END = new Until(null, null);

  /** True when the transaction of {@code first} (its first event) lies beyond the target. */
  public boolean isBeyond(ChangeEvent first) {
    if (time != null && first.getPosition().getTimestampMs() > time.toEpochMilli()) {
      return true;
    }
    String gtid = first.getPosition().getGtid();
    return gtids != null && gtid != null && !gtids.covers(GtidSet.parse(gtid));
  }

  public boolean isEnd() {
    return time == null && gtids == null;
  }

  @Override
  public String toString() {
    return isEnd() ? "the end of the archive"
        : time != null ? "time " + time : "GTID position " + gtids;
  }
}
