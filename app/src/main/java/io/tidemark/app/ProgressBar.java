package io.tidemark.app;

import io.tidemark.restore.RestoreProgress;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Shows a restore's progress on stderr: on a terminal one line redrawn every second (phase, bar,
 * done of total, rate, ETA); otherwise, for logs, one line every ten seconds.
 */
final class ProgressBar implements AutoCloseable {
  private static final int WIDTH = 30;

  private final RestoreProgress progress;
  private final PrintStream err;
  private final boolean terminal;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "tidemark-progress");
    t.setDaemon(true);
    return t;
  });

  ProgressBar(RestoreProgress progress, PrintStream err, boolean terminal) {
    this.progress = progress;
    this.err = err;
    this.terminal = terminal;
    long every = terminal ? 1 : 10;
    timer.scheduleAtFixedRate(this::draw, every, every, TimeUnit.SECONDS);
  }

  private void draw() {
    String line = line(progress.read());
    err.print(terminal ? "\r" + line + "   " : line + System.lineSeparator());
    err.flush();
  }

  /** One line describing a reading. */
  static String line(RestoreProgress.Reading r) {
    double seconds = Math.max(r.phaseElapsed().toMillis() / 1000.0, 0.001);
    return switch (r.phase()) {
      case LOAD -> {
        double rate = r.rowsLoaded() / seconds;
        double share = r.rowsTotal() == 0 ? 1 : (double) r.rowsLoaded() / r.rowsTotal();
        long eta = rate > 0 ? (long) ((r.rowsTotal() - r.rowsLoaded()) / rate) : -1;
        yield String.format(Locale.ROOT, "load   [%s] %,d / %,d rows %3.0f%%  %,.0f rows/s  ETA %s",
            bar(share), r.rowsLoaded(), r.rowsTotal(), share * 100, rate,
            eta < 0 ? "?" : format(Duration.ofSeconds(eta)));
      }
      case REPLAY -> String.format(Locale.ROOT, "replay %,d events in %,d transactions  %,.0f events/s",
          r.events(), r.transactions(), r.events() / seconds);
      case DONE -> String.format(Locale.ROOT, "done: %,d rows loaded, %,d events in %,d transactions"
          + " replayed", r.rowsLoaded(), r.events(), r.transactions());
      default -> r.phase().name().toLowerCase() + " " + format(r.phaseElapsed());
    };
  }

  /** The {@code /status/restore} object. */
  static Map<String, Object> json(RestoreProgress.Reading r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("phase", r.phase().name().toLowerCase());
    m.put("rows_loaded", r.rowsLoaded());
    m.put("rows_total", r.rowsTotal());
    m.put("events_replayed", r.events());
    m.put("transactions_replayed", r.transactions());
    m.put("phase_seconds", r.phaseElapsed().toSeconds());
    return m;
  }

  private static String bar(double share) {
    int full = (int) Math.round(Math.min(1, share) * WIDTH);
    return "#".repeat(full) + ".".repeat(WIDTH - full);
  }

  private static String format(Duration d) {
    return String.format(Locale.ROOT, "%d:%02d:%02d", d.toHours(), d.toMinutesPart(), d.toSecondsPart());
  }

  @Override
  public void close() {
    timer.shutdownNow();
    draw(); // the final reading
    if (terminal) {
      err.println();
    }
  }
}
