package io.tidemark.capture.internal;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * Debezium's MariaDB snapshot reads DATETIME through a {@code Calendar} of the JVM's default
 * time zone and TIMESTAMP through a driver session in that zone: in a zone with daylight saving
 * a DATETIME in the spring-forward gap moves by an hour, and TIMESTAMP values shift by the
 * zone's offset. In UTC both are exact, whatever the source server's own zone. Stateless.
 */
public final class JvmTimeZone {
  private JvmTimeZone() {}

  /** @throws IllegalStateException unless {@code zone} is UTC: a fixed offset of zero */
  public static void requireUtc(ZoneId zone) {
    boolean utc = zone.getRules().isFixedOffset()
        && zone.getRules().getOffset(Instant.EPOCH).equals(ZoneOffset.UTC);
    if (!utc) {
      throw new IllegalStateException("capture needs the JVM's default time zone to be UTC, but it"
          + " is " + zone + ": the snapshot would shift DATETIME and TIMESTAMP values. Start the"
          + " JVM with -Duser.timezone=UTC (the tidemark launcher does).");
    }
  }
}
