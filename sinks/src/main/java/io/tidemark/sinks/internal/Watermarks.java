package io.tidemark.sinks.internal;

import io.tidemark.schemas.SourcePosition;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;

/**
 * How far each partition is durable, learned from capture's heartbeats: a heartbeat at offset
 * {@code o} carrying position {@code p} means every change of the partition before {@code p}
 * precedes {@code o}; once the committed offset passes {@code o}, the partition is complete in
 * the bucket up to {@code p}. Published at most every {@code interval}, and only while the spool
 * is empty (a spooled bundle is durable, but not yet in the bucket the watermark describes).
 * Not thread-safe.
 */
public final class Watermarks {
  private record Beat(long offset, SourcePosition position) {}

  private final Duration interval;
  private final Map<TopicPartition, ArrayDeque<Beat>> heard = new HashMap<>();
  private final Map<TopicPartition, SourcePosition> reached = new HashMap<>();
  private final Map<TopicPartition, SourcePosition> published = new HashMap<>();
  private Instant lastPublished = Instant.MIN;

  public Watermarks(Duration interval) {
    this.interval = interval;
  }

  public void heard(TopicPartition tp, long offset, SourcePosition position) {
    heard.computeIfAbsent(tp, k -> new ArrayDeque<>()).add(new Beat(offset, position));
  }

  /** Forgets a partition that moved to another worker. */
  public void forget(TopicPartition tp) {
    heard.remove(tp);
    reached.remove(tp);
    published.remove(tp);
  }

  /**
   * Moves each partition past the heartbeats its committed offset covers and, when due and the
   * spool is empty, hands every changed position to {@code publish}.
   *
   * @param committed the offset committed for a partition, if any
   */
  public void advance(Function<TopicPartition, OptionalLong> committed, boolean spoolEmpty,
      Instant now, BiConsumer<TopicPartition, SourcePosition> publish) {
    heard.forEach((tp, beats) -> {
      OptionalLong done = committed.apply(tp);
      while (!beats.isEmpty() && done.isPresent() && beats.peek().offset() < done.getAsLong()) {
        reached.put(tp, beats.poll().position());
      }
    });
    if (!spoolEmpty || now.isBefore(lastPublished.plus(interval))) {
      return;
    }
    lastPublished = now;
    reached.forEach((tp, position) -> {
      if (!position.equals(published.get(tp))) {
        publish.accept(tp, position);
        published.put(tp, position);
      }
    });
  }
}
