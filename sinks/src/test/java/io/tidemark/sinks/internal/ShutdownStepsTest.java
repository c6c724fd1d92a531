package io.tidemark.sinks.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShutdownStepsTest {
  private final List<String> ran = new ArrayList<>();

  private ShutdownSteps.Step failing(String name) {
    return () -> {
      ran.add(name);
      throw new IllegalStateException(name + " failed");
    };
  }

  private ShutdownSteps.Step passing(String name) {
    return () -> ran.add(name);
  }

  @Test
  void everyStepRunsAndTheFirstFailureCarriesTheLaterOnes() {
    Throwable failed = ShutdownSteps.run(passing("flush"), failing("close consumer"),
        failing("close pipeline"));

    assertThat(ran).containsExactly("flush", "close consumer", "close pipeline");
    assertThat(failed).hasMessage("close consumer failed");
    assertThat(failed.getSuppressed()).extracting(Throwable::getMessage)
        .containsExactly("close pipeline failed");
  }

  @Test
  void anErrorInAStepDoesNotSkipTheLaterSteps() {
    Throwable failed = ShutdownSteps.run(() -> {
      throw new OutOfMemoryError("flush");
    }, passing("close consumer"), passing("close pipeline"));

    assertThat(ran).containsExactly("close consumer", "close pipeline");
    assertThat(failed).isInstanceOf(OutOfMemoryError.class);
    assertThatThrownBy(() -> ShutdownSteps.rethrow(failed)).isSameAs(failed);
  }

  @Test
  void theFailureThatEndedTheWorkKeepsTheShutdownsFailureAsSuppressed() {
    IllegalStateException ended = new IllegalStateException("the loop failed");
    Throwable failed = ShutdownSteps.run(failing("flush"), passing("close"));

    assertThat(ShutdownSteps.addTo(ended, failed)).isTrue();
    assertThat(ended.getSuppressed()).extracting(Throwable::getMessage)
        .containsExactly("flush failed");
    assertThat(ShutdownSteps.addTo(ended, ended)).as("never suppresses itself").isTrue();
    assertThat(ShutdownSteps.addTo(null, failed)).as("nothing ended the work").isFalse();
  }

  @Test
  void aCleanShutdownReturnsNothingToThrow() {
    Throwable failed = ShutdownSteps.run(passing("flush"), passing("close"));

    assertThat(failed).isNull();
    ShutdownSteps.rethrow(failed);
    assertThat(ran).containsExactly("flush", "close");
  }
}
