package io.tidemark.capture;

import java.util.Objects;

/**
 * Why capture stopped, decided once from the engine's error, in words an operator can act on:
 * the message names the problem, the position capture needed and the fix. The engine's own
 * error is the cause. Immutable and thread-safe.
 */
public final class CaptureFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What went wrong; each reason writes its own explanation. */
  public enum Reason {
    /**
     * The source can no longer send the binlog from where capture has to resume (purged, or the
     * position is not in its binlog at all). The changes in between are lost to capture, so it
     * stops instead of skipping them; only a new snapshot gives a complete baseline again.
     */
    BINLOG_UNAVAILABLE {
      @Override
      String explain(String source, String resumeFrom, String detail) {
        return "capture of source '" + source + "' stopped: the source no longer has the binlog"
            + " that capture needs to resume from " + resumeFrom + "; the server says: \"" + detail
            + "\". The changes written since then cannot be read any more, so capture stopped"
            + " instead of skipping them. Take a new snapshot (tidemark snapshot) to start a new"
            + " baseline, and keep binlogs on the source longer than capture may be down"
            + " (binlog_expire_logs_seconds).";
      }
    },
    /** Anything else: the engine's message says what happened. */
    ENGINE_FAILED {
      @Override
      String explain(String source, String resumeFrom, String detail) {
        return "capture of source '" + source + "' stopped at " + resumeFrom + ": " + detail;
      }
    };

    abstract String explain(String source, String resumeFrom, String detail);
  }

  private final Reason reason;

  /**
   * @param reason what went wrong
   * @param source the source's name
   * @param resumeFrom where capture would resume, e.g. "GTID 0-1-42 (mysql-bin.000003:1234)"
   * @param detail the engine's or the server's own words
   * @param cause the engine's error, may be null
   */
  public CaptureFailedException(Reason reason, String source, String resumeFrom, String detail,
      Throwable cause) {
    super(reason.explain(source, resumeFrom, detail), cause);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public Reason reason() {
    return reason;
  }
}
