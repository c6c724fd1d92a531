package io.tidemark.capture;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where a {@link Capture} is in its life. Every capture process of a source joins the source's
 * capture group; the one the group gives the lock to is {@link #ACTIVE} and streams, the others
 * are {@link #STANDBY} and take over when it goes away.
 *
 * <pre>
 *   STANDBY ──lock assigned──▶ ACTIVATING ──engine started──▶ ACTIVE
 *      ▲                                                        │
 *      └───────────── lock revoked, engine stopped ◀── DEACTIVATING ◀─┘ (revoked or close)
 *   any state but CLOSED ──▶ FAILED (terminal)     STANDBY, DEACTIVATING ──close──▶ CLOSED
 * </pre>
 */
public enum CaptureState {
  /** In the capture group, waiting for the lock; nothing is read from the source. */
  STANDBY,
  /** Holds the lock; fencing the previous writer and starting the engine. */
  ACTIVATING,
  /** The only writer of the source's change topic: streaming. */
  ACTIVE,
  /** Stopping the engine before the lock is given up, or before closing. */
  DEACTIVATING,
  /**
   * Ended by a failure that {@link Capture#failure()} describes: the source or Kafka failed,
   * or another capture process took the lock while this one believed it held it. Terminal: the
   * process should restart, and then joins as a standby.
   */
  FAILED,
  /** Closed on request. Terminal. */
  CLOSED;

  /** Whether a capture in this state may move to {@code next}. */
  public boolean canMoveTo(CaptureState next) {
    return successors().contains(next);
  }

  /** Whether this is the state of a capture that streams (or is about to). */
  public boolean holdsLock() {
    return this == ACTIVATING || this == ACTIVE || this == DEACTIVATING;
  }

  private Set<CaptureState> successors() {
    switch (this) {
      case STANDBY:
        return EnumSet.of(ACTIVATING, FAILED, CLOSED);
      case ACTIVATING:
        return EnumSet.of(ACTIVE, FAILED);
      case ACTIVE:
        return EnumSet.of(DEACTIVATING, FAILED);
      case DEACTIVATING:
        return EnumSet.of(STANDBY, FAILED, CLOSED);
      default:
        return EnumSet.noneOf(CaptureState.class);
    }
  }
}
