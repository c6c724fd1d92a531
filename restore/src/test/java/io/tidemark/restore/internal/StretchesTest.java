package io.tidemark.restore.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class StretchesTest {
  private static List<Integer> items(int n) {
    return IntStream.range(0, n).boxed().toList();
  }

  @Test
  void threadsStartFarApartAndWalkInOrder() {
    Stretches<Integer> s = new Stretches<>(items(10), 2);

    assertThat(List.of(s.next(0), s.next(1), s.next(0), s.next(1))).containsExactly(0, 5, 1, 6);
  }

  @Test
  void aThreadWhoseStretchRanOutMovesToTheMiddleOfTheLongestFreeStretch() {
    Stretches<Integer> s = new Stretches<>(items(10), 2);
    for (int i = 0; i < 5; i++) {
      s.next(0); // 0..4
    }
    s.next(1); // 5

    assertThat(s.next(0)).as("free: 6..9").isEqualTo(8);
    assertThat(s.next(1)).isEqualTo(6);
    assertThat(s.next(0)).isEqualTo(9);
    assertThat(s.next(1)).isEqualTo(7);
    assertThat(s.next(0)).isNull();
    assertThat(s.next(1)).isNull();
  }

  @Test
  void handsOutEveryItemOnceWhateverTheOrderOfAsking() {
    Random random = new Random(7);
    for (int round = 0; round < 200; round++) {
      int n = random.nextInt(40);
      int threads = 1 + random.nextInt(5);
      Stretches<Integer> s = new Stretches<>(items(n), threads);
      List<Integer> got = new ArrayList<>();
      for (Integer item = s.next(random.nextInt(threads)); item != null;
          item = s.next(random.nextInt(threads))) {
        got.add(item);
      }
      assertThat(got).as("%d items, %d threads", n, threads)
          .containsExactlyInAnyOrderElementsOf(items(n));
      for (int k = 0; k < threads; k++) {
        assertThat(s.next(k)).isNull();
      }
    }
  }
}
