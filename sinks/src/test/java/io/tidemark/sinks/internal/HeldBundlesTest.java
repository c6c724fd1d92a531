package io.tidemark.sinks.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.sinks.FlushReason;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class HeldBundlesTest {
  private static final TopicPartition P0 = new TopicPartition("t", 0);
  private static final TopicPartition P1 = new TopicPartition("t", 1);

  private static PendingBundle bundle(TopicPartition tp, long first) {
    return new PendingBundle(tp, tp + "/" + first, new byte[0], first + 10, 10,
        FlushReason.COUNT, null);
  }

  /** A later bundle committed before a held one would let a crash lose the held one. */
  @Test
  void aPartitionRetriesInFlushOrderAndStopsAtItsFirstBundleThatStillFitsNowhere() {
    HeldBundles held = new HeldBundles();
    held.hold(bundle(P0, 0));
    held.hold(bundle(P0, 10));
    held.hold(bundle(P0, 20));
    held.hold(bundle(P1, 0));
    List<String> tried = new ArrayList<>();
    held.retry(b -> {
      tried.add(b.key());
      return !b.key().equals("t-0/10");
    });
    assertThat(tried).containsExactly("t-0/0", "t-0/10", "t-1/0");
    assertThat(held.partitions()).containsExactly(P0);
    assertThat(held.count()).isEqualTo(2);

    tried.clear();
    held.retry(b -> tried.add(b.key()));
    assertThat(tried).containsExactly("t-0/10", "t-0/20");
    assertThat(held.isEmpty()).isTrue();
  }

  @Test
  void aStoreThatForgetsItsPartitionEndsThatPartitionsRetry() {
    HeldBundles held = new HeldBundles();
    held.hold(bundle(P0, 0));
    held.hold(bundle(P0, 10));
    held.retry(b -> {
      held.forget(b.partition()); // a conflict stops the partition
      return true;
    });
    assertThat(held.isEmpty()).isTrue();
  }
}
