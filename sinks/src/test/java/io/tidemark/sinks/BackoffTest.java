package io.tidemark.sinks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), 0.5,
      6, Duration.ofSeconds(3));

  @Test
  void waitsGrowExponentiallyUpToTheMaximum() {
    assertThat(backoff.delayAfter(1, Duration.ZERO, 0)).isEqualTo(Duration.ofMillis(100));
    assertThat(backoff.delayAfter(2, Duration.ZERO, 0)).isEqualTo(Duration.ofMillis(200));
    assertThat(backoff.delayAfter(4, Duration.ZERO, 0)).isEqualTo(Duration.ofMillis(800));
    assertThat(backoff.delayAfter(5, Duration.ZERO, 0)).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void jitterTakesOffAtMostItsFraction() {
    assertThat(backoff.delayAfter(3, Duration.ZERO, 0.999)).isBetween(Duration.ofMillis(200),
        Duration.ofMillis(400));
  }

  @Test
  void noTryIsLeftAfterTheAttemptsOrPastTheDeadline() {
    assertThat(backoff.delayAfter(6, Duration.ZERO, 0)).isNull();
    assertThat(backoff.delayAfter(2, Duration.ofMillis(2_800), 0)).as("2.8 s + 0.2 s is the limit")
        .isEqualTo(Duration.ofMillis(200));
    assertThat(backoff.delayAfter(2, Duration.ofMillis(2_801), 0)).isNull();
  }
}
