package io.tidemark.schemas;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A MariaDB GTID position ({@code @@gtid_binlog_pos}): per replication domain, the last
 * transaction's server id and sequence number, e.g. {@code 0-1-42,1-7-3}. Sequence numbers only
 * grow inside a domain, so one position covers another when it is at least as far in every domain.
 *
 * <p>Immutable and thread-safe.
 */
public record GtidSet(Map<Long, Long> sequenceByDomain) {
  public GtidSet {
    sequenceByDomain = Collections.unmodifiableMap(new TreeMap<>(sequenceByDomain));
  }

  /** Parses "domain-server-sequence" entries separated by commas; "" is the empty position. */
  public static GtidSet parse(String text) {
    Map<Long, Long> seqs = new TreeMap<>();
    if (text != null && !text.isBlank()) {
      for (String gtid : text.split(",")) {
        String[] parts = gtid.strip().split("-");
        if (parts.length != 3) {
          throw new IllegalArgumentException("'" + gtid.strip() + "' is not a MariaDB GTID"
              + " (expected domain-server-sequence, e.g. 0-1-42)");
        }
        try {
          seqs.merge(Long.parseLong(parts[0]), Long.parseLong(parts[2]), Math::max);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("'" + gtid.strip() + "' is not a MariaDB GTID", e);
        }
      }
    }
    return new GtidSet(seqs);
  }

  /** E.g. "domain 0 at 42, domain 1 at 3". */
  @Override
  public String toString() {
    return sequenceByDomain.entrySet().stream()
        .map(e -> "domain " + e.getKey() + " at " + e.getValue())
        .collect(java.util.stream.Collectors.joining(", "));
  }

  /** True when every transaction of {@code other} is at or before this position. */
  public boolean covers(GtidSet other) {
    return other.sequenceByDomain.entrySet().stream()
        .allMatch(e -> sequenceByDomain.getOrDefault(e.getKey(), -1L) >= e.getValue());
  }
}
