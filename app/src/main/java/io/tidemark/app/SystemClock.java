package io.tidemark.app;

import java.time.Duration;
import java.time.InstantSource;

/** The one place that reads the system clock and waits on it; everything else gets it injected. */
final class SystemClock {
  private SystemClock() {}

  static final InstantSource INSTANT = InstantSource.system();

  static void sleep(Duration d) throws InterruptedException {
    Thread.sleep(d.toMillis());
  }
}
