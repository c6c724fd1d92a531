package io.tidemark.sinks.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.schemas.SourcePosition;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class WatermarksTest {
  private static final TopicPartition TP = new TopicPartition("src.changes", 2);
  private static final Instant T0 = Instant.parse("2026-11-22T00:00:00Z");

  private final Map<TopicPartition, SourcePosition> published = new HashMap<>();
  private final Watermarks marks = new Watermarks(Duration.ofSeconds(5));

  private static SourcePosition at(long pos) {
    return new SourcePosition(0, "bin.000001", pos, 0, 0, "0-1-" + pos, 0, false);
  }

  private void advance(long committed, boolean spoolEmpty, Instant now) {
    marks.advance(tp -> committed < 0 ? OptionalLong.empty() : OptionalLong.of(committed),
        spoolEmpty, now, published::put);
  }

  @Test
  void aHeartbeatCountsOnceTheCommittedOffsetPassesIt() {
    marks.heard(TP, 10, at(100));
    marks.heard(TP, 20, at(200));
    advance(10, true, T0);
    assertThat(published).isEmpty(); // offset 10 itself is not committed yet
    advance(11, true, T0.plusSeconds(5));
    assertThat(published).containsEntry(TP, at(100));
    advance(21, true, T0.plusSeconds(10));
    assertThat(published).containsEntry(TP, at(200));
  }

  @Test
  void nothingIsPublishedWhileTheSpoolHoldsBundlesOrBeforeTheInterval() {
    marks.heard(TP, 10, at(100));
    advance(11, false, T0);
    assertThat(published).as("spooled, not yet in the bucket").isEmpty();
    advance(11, true, T0);
    assertThat(published).containsEntry(TP, at(100));
    marks.heard(TP, 30, at(300));
    advance(31, true, T0.plusSeconds(1));
    assertThat(published).as("at most every interval").containsEntry(TP, at(100));
    advance(31, true, T0.plusSeconds(5));
    assertThat(published).containsEntry(TP, at(300));
  }

  @Test
  void aRevokedPartitionIsForgotten() {
    marks.heard(TP, 10, at(100));
    marks.forget(TP);
    advance(100, true, T0);
    assertThat(published).isEmpty();
  }
}
