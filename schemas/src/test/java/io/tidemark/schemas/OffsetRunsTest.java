package io.tidemark.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OffsetRunsTest {

  @Test
  void formatsRunsOfConsecutiveOffsets() {
    OffsetRuns runs = new OffsetRuns();
    for (long o : new long[] {100, 101, 102, 104, 110, 111}) {
      runs.add(o);
    }
    assertThat(runs.format()).isEqualTo("100-102,104,110-111");
    assertThat(runs.count()).isEqualTo(6);
  }

  @Test
  void parseThenIterateGivesBackRandomOffsets() {
    Random random = new Random(7);
    for (int round = 0; round < 50; round++) {
      OffsetRuns runs = new OffsetRuns();
      List<Long> offsets = new ArrayList<>();
      long o = random.nextInt(1000);
      for (int i = 0; i < 200; i++) {
        o += 1 + (random.nextInt(10) == 0 ? random.nextInt(5) : 0);
        runs.add(o);
        offsets.add(o);
      }
      List<Long> back = new ArrayList<>();
      OffsetRuns.parse(runs.format()).iterator().forEachRemaining((long x) -> back.add(x));
      assertThat(back).isEqualTo(offsets);
    }
  }

  @Test
  void theIteratorEndsAfterTheLastOffset() {
    assertThat(OffsetRuns.parse("").iterator().hasNext()).isFalse();
    java.util.PrimitiveIterator.OfLong it = OffsetRuns.parse("7,9-10").iterator();
    assertThat(List.of(it.nextLong(), it.nextLong(), it.nextLong())).containsExactly(7L, 9L, 10L);
    assertThat(it.hasNext()).isFalse();
    assertThatThrownBy(it::nextLong).isInstanceOf(java.util.NoSuchElementException.class);
  }

  @Test
  void offsetsMustIncrease() {
    OffsetRuns runs = new OffsetRuns();
    runs.add(5);
    assertThatThrownBy(() -> runs.add(5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> OffsetRuns.parse("9-3")).isInstanceOf(IllegalArgumentException.class);
  }
}
