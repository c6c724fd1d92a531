package io.tidemark.app;

import io.tidemark.sinks.SinkStats;

/**
 * Turns the sink's counters into alerts, once per episode: uploads failing (bundles going to the
 * spool) and the spool filling up.
 */
final class Alerts {
  private static final double SPOOL_NEARLY_FULL = 0.8;

  private final Notifier notifier;
  private final long spoolMax;
  private long spooledSeen;
  private boolean spooling;
  private boolean spoolAlerted;

  Alerts(Notifier notifier, long spoolMax) {
    this.notifier = notifier;
    this.spoolMax = spoolMax;
  }

  void check(SinkStats stats, long spoolBytes) {
    if (stats.bundlesSpooled() > spooledSeen && !spooling) {
      notifier.alert("uploads failing", "the repository does not take bundles; they go to the"
          + " spool (" + spoolBytes + " bytes) and drain when it is back");
      spooling = true;
    } else if (spoolBytes == 0) {
      spooling = false;
    }
    spooledSeen = stats.bundlesSpooled();
    boolean nearlyFull = spoolBytes > spoolMax * SPOOL_NEARLY_FULL;
    if (nearlyFull && !spoolAlerted) {
      notifier.alert("spool nearly full", "the spool holds " + spoolBytes + " of " + spoolMax
          + " bytes; when it is full, intake stops until the repository is back");
    }
    spoolAlerted = nearlyFull;
  }
}
