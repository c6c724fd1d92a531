package io.tidemark.app;

import io.tidemark.sinks.SinkStats;
import java.util.function.BiConsumer;

/**
 * Turns the sink's counters into alerts, once per episode: uploads failing (bundles going to the
 * spool), the spool filling up, and intake stopped because a bundle fits nowhere.
 */
final class Alerts {
  private static final double SPOOL_NEARLY_FULL = 0.8;

  private final BiConsumer<String, String> notifier;
  private final long spoolMax;
  private long spooledSeen;
  private boolean spooling;
  private boolean spoolAlerted;
  private boolean intakeStopped;

  /** @param notifier receives each alert's title and detail */
  Alerts(BiConsumer<String, String> notifier, long spoolMax) {
    this.notifier = notifier;
    this.spoolMax = spoolMax;
  }

  void check(SinkStats stats, long spoolBytes) {
    if (stats.bundlesSpooled() > spooledSeen && !spooling) {
      notifier.accept("uploads failing", "the repository does not take bundles; they go to the"
          + " spool (" + spoolBytes + " bytes) and drain when it is back");
      spooling = true;
    } else if (spoolBytes == 0) {
      spooling = false;
    }
    spooledSeen = stats.bundlesSpooled();
    boolean nearlyFull = spoolBytes > spoolMax * SPOOL_NEARLY_FULL;
    if (nearlyFull && !spoolAlerted) {
      notifier.accept("spool nearly full", "the spool holds " + spoolBytes + " of " + spoolMax
          + " bytes; when it is full, intake stops until the repository is back");
    }
    spoolAlerted = nearlyFull;
    if (stats.bundlesHeld() > 0 && !intakeStopped) {
      notifier.accept("sink intake stopped", stats.bundlesHeld() + " bundles fit neither in the"
          + " repository nor in the spool (spool or its disk full); the sink takes no events and"
          + " commits nothing more until the repository is back or the spool has room. Nothing"
          + " is lost: Kafka keeps the events while its retention lasts");
    }
    intakeStopped = stats.bundlesHeld() > 0;
  }
}
