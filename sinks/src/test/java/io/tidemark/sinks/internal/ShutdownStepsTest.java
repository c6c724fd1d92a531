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
  void theFailureThatEndedTheWorkKeepsTheShutdownsFailuresAsSuppressed() {
    IllegalStateException ended = new IllegalStateException("the loop failed");

    ShutdownSteps.run(ended, failing("flush"), passing("close consumer"), failing("close pipeline"));

    assertThat(ran).containsExactly("flush", "close consumer", "close pipeline");
    assertThat(ended.getSuppressed()).extracting(Throwable::getMessage)
        .containsExactly("flush failed", "close pipeline failed");
  }

  @Test
  void afterWorkThatEndedWellTheFirstStepFailureIsThrownAndEveryStepRuns() {
    assertThatThrownBy(() -> ShutdownSteps.run(null, passing("flush"), failing("close consumer"),
        failing("close pipeline")))
        .hasMessage("close consumer failed")
        .satisfies(e -> assertThat(e.getSuppressed()).extracting(Throwable::getMessage)
            .containsExactly("close pipeline failed"));
    assertThat(ran).containsExactly("flush", "close consumer", "close pipeline");
  }

  @Test
  void aCleanShutdownThrowsNothing() {
    ShutdownSteps.run(null, passing("flush"), passing("close"));

    assertThat(ran).containsExactly("flush", "close");
  }
}
