package io.tidemark.testkit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Stopping the services a test started. */
public final class Services {
  private static final Logger log = LoggerFactory.getLogger(Services.class);

  private Services() {}

  /**
   * Closes each of {@code services} in order, skipping nulls (a start that failed), and goes on
   * past a failure so that no process outlives the test; failures are logged.
   */
  public static void closeAll(AutoCloseable... services) {
    for (AutoCloseable s : services) {
      if (s == null) {
        continue;
      }
      try {
        s.close();
      } catch (Exception e) {
        log.warn("closing {} failed: {}", s, e.getMessage());
      }
    }
  }
}
