package io.tidemark.capture.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class ChunkPlannerTest {

  private static BigInteger[] range(long min, long max) {
    return new BigInteger[] {BigInteger.valueOf(min), BigInteger.valueOf(max)};
  }

  @Test
  void theRowEstimateDecidesTheNumberOfChunks() {
    assertThat(ChunkPlanner.parts(10_000, range(1, 10_000), 2_500)).isEqualTo(4);
    assertThat(ChunkPlanner.parts(10_001, range(1, 1_000_000), 2_500)).isEqualTo(5);
  }

  @Test
  void aTableWithoutStatisticsIsAssumedDenseOverItsKeys() {
    assertThat(ChunkPlanner.parts(0, range(1, 20_000), 2_500)).isEqualTo(8);
  }

  @Test
  void anEstimateAboveTheKeySpanCannotMakeEmptyChunks() {
    assertThat(ChunkPlanner.parts(1_000_000, range(1, 10), 2)).isEqualTo(5);
  }

  @Test
  void unsignedBigintExtremesDoNotOverflow() {
    BigInteger[] huge = {BigInteger.ZERO, new BigInteger("18446744073709551615")};
    assertThat(ChunkPlanner.parts(4, huge, 2)).isEqualTo(2);
  }
}
