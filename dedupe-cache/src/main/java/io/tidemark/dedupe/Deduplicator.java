package io.tidemark.dedupe;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import io.tidemark.schemas.SourcePosition;
import io.tidemark.schemas.avro.ChangeEvent;
import java.util.HashMap;
import java.util.Map;

/**
 * Drops change events that were already accepted: capture replays after a reconnect or restart
 * (the same source events at new Kafka offsets), redelivery after a rebalance, producer retries.
 *
 * <p>Two facts decide. Inside one partition source positions only grow, so an event at or before
 * the newest position accepted from that partition is a replay; that newest position survives a
 * restart because the sink {@link #seed seeds} it from the partition's last durable bundle. And a
 * size-bounded Caffeine cache of the identities of recently accepted events (server id, binlog
 * file, position, row) catches a replay that arrives on another partition, e.g. after the topic's
 * partition count changed. The schema snapshot's DDL, which shares one position, is never
 * dropped.
 *
 * <p>Confined to the worker thread.
 */
public final class Deduplicator {
  /** Identities kept by default: a few batches' worth at the source write rates we target. */
  public static final long DEFAULT_CACHE_SIZE = 100_000;

  private final Cache<Identity, Boolean> recent;
  private final Map<String, SourcePosition> newest = new HashMap<>();

  /** @param maxInFlight identities kept in the cache */
  public Deduplicator(long maxInFlight) {
    this.recent = Caffeine.newBuilder().maximumSize(maxInFlight).recordStats().build();
  }

  /** The newest position already durable for a partition (from its last bundle). */
  public void seed(String partition, SourcePosition durable) {
    newest.merge(partition, durable, (a, b) -> a.compareTo(b) >= 0 ? a : b);
  }

  /** Forgets a partition that moved to another worker. */
  public void forget(String partition) {
    newest.remove(partition);
  }

  /** True when the event was accepted before and must be dropped; else records it. */
  public boolean isDuplicate(String partition, ChangeEvent event) {
    SourcePosition p = SourcePosition.fromAvro(event.getPosition());
    SourcePosition last = newest.get(partition);
    boolean sharedSnapshotPosition = last != null && p.snapshot() && p.compareTo(last) == 0;
    if (last != null && p.compareTo(last) <= 0 && !sharedSnapshotPosition) {
      recent.getIfPresent(identity(p)); // counts the hit
      return true;
    }
    Identity id = identity(p);
    if (!p.snapshot() && recent.getIfPresent(id) != null) {
      return true;
    }
    recent.put(id, Boolean.TRUE);
    newest.put(partition, p);
    return false;
  }

  public CacheStats stats() {
    return recent.stats();
  }

  private static Identity identity(SourcePosition p) {
    return new Identity(p.serverId(), p.file(), p.pos(), p.event(), p.row());
  }

  /** A source event's identity: where it is in the source's binlog. */
  private record Identity(long serverId, String file, long pos, long event, int row) {}
}
