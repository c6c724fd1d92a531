package io.tidemark.capture.internal;

import io.tidemark.capture.CaptureState;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state of one capture, changed only by compare-and-set along the edges {@link CaptureState}
 * allows. A transition from a state the capture is not in, or along an edge that does not
 * exist, is a bug and throws at once. Thread-safe.
 */
public final class Lifecycle {
  private static final Logger log = LoggerFactory.getLogger(Lifecycle.class);

  private final String source;
  private final AtomicReference<CaptureState> state = new AtomicReference<>(CaptureState.STANDBY);

  public Lifecycle(String source) {
    this.source = source;
  }

  public CaptureState get() {
    return state.get();
  }

  /**
   * Moves from {@code from} to {@code to}.
   *
   * @throws IllegalStateException if the edge does not exist or the state is not {@code from}
   */
  public void move(CaptureState from, CaptureState to) {
    if (!from.canMoveTo(to)) {
      throw new IllegalStateException("capture of source " + source + ": no transition "
          + from + " -> " + to);
    }
    if (!state.compareAndSet(from, to)) {
      throw new IllegalStateException("capture of source " + source + " cannot move " + from
          + " -> " + to + ": it is " + state.get());
    }
    log.info("capture of source {}: {} -> {}", source, from, to);
  }

  /** Moves to FAILED from whatever non-terminal state it is in; false if already terminal. */
  public boolean fail() {
    while (true) {
      CaptureState now = state.get();
      if (!now.canMoveTo(CaptureState.FAILED)) {
        return false;
      }
      if (state.compareAndSet(now, CaptureState.FAILED)) {
        log.info("capture of source {}: {} -> FAILED", source, now);
        return true;
      }
    }
  }
}
