package io.tidemark.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidemark.capture.internal.Lifecycle;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class CaptureStateTest {

  @Test
  void terminalStatesHaveNoSuccessor() {
    for (CaptureState next : CaptureState.values()) {
      assertThat(CaptureState.FAILED.canMoveTo(next)).as("FAILED -> %s", next).isFalse();
      assertThat(CaptureState.CLOSED.canMoveTo(next)).as("CLOSED -> %s", next).isFalse();
    }
  }

  @Test
  void onlyAStoppedEngineGivesUpTheLock() {
    // An active capture reaches STANDBY or CLOSED only through DEACTIVATING (engine stopped).
    assertThat(CaptureState.ACTIVE.canMoveTo(CaptureState.STANDBY)).isFalse();
    assertThat(CaptureState.ACTIVE.canMoveTo(CaptureState.CLOSED)).isFalse();
    assertThat(EnumSet.allOf(CaptureState.class)).filteredOn(s -> s.canMoveTo(CaptureState.ACTIVE))
        .containsExactly(CaptureState.ACTIVATING);
  }

  @Test
  void everyLiveStateCanFail() {
    for (CaptureState s : EnumSet.range(CaptureState.STANDBY, CaptureState.DEACTIVATING)) {
      assertThat(s.canMoveTo(CaptureState.FAILED)).as("%s -> FAILED", s).isTrue();
    }
  }

  @Test
  void aTransitionFromTheWrongStateFailsLoudly() {
    Lifecycle lifecycle = new Lifecycle("src");
    lifecycle.move(CaptureState.STANDBY, CaptureState.ACTIVATING);

    assertThatThrownBy(() -> lifecycle.move(CaptureState.STANDBY, CaptureState.ACTIVATING))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("it is ACTIVATING");
    assertThatThrownBy(() -> lifecycle.move(CaptureState.ACTIVATING, CaptureState.STANDBY))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("no transition");
    assertThat(lifecycle.get()).isEqualTo(CaptureState.ACTIVATING);
  }

  @Test
  void failingIsOnceAndNeverFromATerminalState() {
    Lifecycle lifecycle = new Lifecycle("src");
    assertThat(lifecycle.fail()).isTrue();
    assertThat(lifecycle.fail()).isFalse();
    assertThat(lifecycle.get()).isEqualTo(CaptureState.FAILED);
  }
}
