package io.tidemark.sinks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FlushPolicyTest {
  private static final Instant T0 = Instant.parse("2026-11-22T00:00:00Z");
  private final FlushPolicy policy = new FlushPolicy(100, 1000, Duration.ofSeconds(10));

  @Test
  void anEmptyBatchNeverFlushesHoweverOld() {
    assertThat(policy.check(0, 0, null, false, T0.plusSeconds(3600))).isEmpty();
  }

  @Test
  void flushesOnCountBeforeBytesAndAge() {
    assertThat(policy.check(100, 5000, T0, false, T0.plusSeconds(60))).contains(FlushReason.COUNT);
    assertThat(policy.check(99, 1000, T0, false, T0.plusSeconds(60))).contains(FlushReason.BYTES);
  }

  @Test
  void flushesOnAgeExactlyWhenTheOldestEventReachesIt() {
    assertThat(policy.check(1, 10, T0, false, T0.plus(Duration.ofMillis(9_999)))).isEmpty();
    assertThat(policy.check(1, 10, T0, false, T0.plusSeconds(10))).contains(FlushReason.AGE);
  }

  @Test
  void aBatchEndingWithDdlFlushesAtOnceSoNoBundleSpansASchemaChange() {
    assertThat(policy.check(1, 10, T0, true, T0)).contains(FlushReason.SCHEMA_CHANGE);
    assertThat(policy.check(0, 0, null, true, T0)).isEmpty();
  }
}
