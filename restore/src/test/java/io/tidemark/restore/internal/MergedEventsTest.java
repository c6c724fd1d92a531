package io.tidemark.restore.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidemark.schemas.BundleCodec;
import io.tidemark.schemas.BundleContent;
import io.tidemark.schemas.BundleWriter;
import io.tidemark.schemas.CorruptBundleException;
import io.tidemark.schemas.SourcePosition;
import io.tidemark.schemas.avro.ChangeEvent;
import io.tidemark.schemas.avro.Operation;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MergedEventsTest {
  private final Map<String, byte[]> store = new HashMap<>();

  @Test
  void mergesPartitionsIntoSourceOrder() throws IOException {
    // partition 0 holds binlog positions 10, 30, 50; partition 1 holds 20, 40
    put("p0/a", 0, new long[] {0, 1, 2}, new long[] {10, 30, 50});
    put("p1/a", 1, new long[] {0, 1}, new long[] {20, 40});
    assertThat(positions(List.of(List.of("p0/a"), List.of("p1/a"))))
        .containsExactly(10L, 20L, 30L, 40L, 50L);
  }

  @Test
  void anOverlappingRetriedBundleDeliversEachOffsetOnce() throws IOException {
    // A worker uploaded offsets 0-2, crashed before committing, and re-batched 0-4 as 0-1, 2-4.
    put("p0/00-02", 0, new long[] {0, 1, 2}, new long[] {10, 20, 30});
    put("p0/00-01", 0, new long[] {0, 1}, new long[] {10, 20});
    put("p0/02-04", 0, new long[] {2, 3, 4}, new long[] {30, 40, 50});
    assertThat(positions(List.of(List.of("p0/00-01", "p0/00-02", "p0/02-04"))))
        .containsExactly(10L, 20L, 30L, 40L, 50L);
  }

  @Test
  void eventsCaptureReplayedAtNewOffsetsAreDeliveredOnce() throws IOException {
    // capture reconnected after position 30 was in Kafka and re-sent 20 and 30 at offsets 3, 4
    put("p0/a", 0, new long[] {0, 1, 2, 3, 4, 5}, new long[] {10, 20, 30, 20, 30, 40});
    assertThat(positions(List.of(List.of("p0/a")))).containsExactly(10L, 20L, 30L, 40L);
  }

  @Test
  void offsetGapsFromTransactionMarkersAreNotOverlaps() throws IOException {
    put("p0/a", 0, new long[] {0, 2, 4}, new long[] {10, 20, 30});
    put("p0/b", 0, new long[] {6, 8}, new long[] {40, 50});
    assertThat(positions(List.of(List.of("p0/a", "p0/b")))).containsExactly(10L, 20L, 30L, 40L, 50L);
  }

  @Test
  void aCorruptBundleStopsTheMergeBeforeAnyOfItsEventsIsHandedOut() throws IOException {
    put("p0/a", 0, new long[] {0, 1}, new long[] {10, 20});
    byte[] bytes = store.get("p0/a");
    bytes[bytes.length - 20] ^= 0x55;
    assertThatThrownBy(() -> positions(List.of(List.of("p0/a"))))
        .isInstanceOf(CorruptBundleException.class).hasMessageContaining("p0/a");
  }

  @Test
  void readsAPartitionsNextBundleWhileItsCurrentOneIsTakenAndNoFurther() throws Exception {
    put("p0/a", 0, new long[] {0, 1}, new long[] {10, 20});
    put("p0/b", 0, new long[] {2, 3}, new long[] {30, 40});
    put("p0/c", 0, new long[] {4}, new long[] {50});
    List<String> opened = new CopyOnWriteArrayList<>();
    CountDownLatch secondOpened = new CountDownLatch(1);
    try (MergedEvents merged = new MergedEvents(List.of(List.of("p0/a", "p0/b", "p0/c")), k -> {
      opened.add(k);
      if (k.equals("p0/b")) {
        secondOpened.countDown();
      }
      return new ByteArrayInputStream(store.get(k));
    })) {
      assertThat(merged.next().getPosition().getPos()).isEqualTo(10L);
      assertThat(secondOpened.await(30, TimeUnit.SECONDS)).as("p0/b read ahead").isTrue();
      assertThat(opened).as("one bundle ahead, not more").containsExactly("p0/a", "p0/b");
      List<Long> rest = new ArrayList<>();
      merged.forEachRemaining(e -> rest.add(e.getPosition().getPos()));
      assertThat(rest).containsExactly(20L, 30L, 40L, 50L);
    }
  }

  @Test
  void aBundleThatCannotBeReadStopsTheMergeAfterTheEventsBeforeItNamingIt() throws IOException {
    put("p0/a", 0, new long[] {0}, new long[] {10});
    try (MergedEvents merged = new MergedEvents(List.of(List.of("p0/a", "p0/gone")), k -> {
      if (!store.containsKey(k)) {
        throw new UncheckedIOException("cannot read " + k, new IOException("no such key"));
      }
      return new ByteArrayInputStream(store.get(k));
    })) {
      assertThat(merged.next().getPosition().getPos()).isEqualTo(10L);
      assertThat(merged.hasNext()).isTrue();
      assertThatThrownBy(merged::next).isInstanceOf(UncheckedIOException.class)
          .hasMessageContaining("p0/gone");
    }
  }

  @Test
  void aClosedMergeHandsOutNothingMore() throws IOException {
    put("p0/a", 0, new long[] {0, 1}, new long[] {10, 20});
    put("p0/b", 0, new long[] {2}, new long[] {30});
    MergedEvents merged = new MergedEvents(List.of(List.of("p0/a", "p0/b")),
        k -> new ByteArrayInputStream(store.get(k)));
    merged.next();
    merged.close();
    assertThat(merged.hasNext()).isFalse();
    assertThatThrownBy(merged::next).isInstanceOf(NoSuchElementException.class);
  }

  private List<Long> positions(List<List<String>> partitions) {
    List<Long> out = new ArrayList<>();
    try (MergedEvents merged =
        new MergedEvents(partitions, k -> new ByteArrayInputStream(store.get(k)))) {
      merged.forEachRemaining(e -> out.add(e.getPosition().getPos()));
    }
    return out;
  }

  private void put(String key, int partition, long[] offsets, long[] positions) throws IOException {
    BundleWriter<ChangeEvent> w = new BundleWriter<>(BundleContent.CHANGES, "t", partition);
    for (int i = 0; i < offsets.length; i++) {
      w.add(offsets[i], ChangeEvent.newBuilder()
          .setPosition(new SourcePosition(1, "bin.000001", positions[i], 0, 0, null, 0, false).toAvro())
          .setDatabase("db").setTable("t").setOperation(Operation.INSERT).build());
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    w.writeTo(out, BundleCodec.NONE);
    store.put(key, out.toByteArray());
  }
}
