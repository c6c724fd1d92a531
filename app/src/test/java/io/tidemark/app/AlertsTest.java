package io.tidemark.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.sinks.SinkStats;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

class AlertsTest {
  private final List<String> sent = new ArrayList<>();
  private final BiConsumer<String, String> notifier = (title, detail) -> sent.add(title);

  private static SinkStats spooled(long bundles) {
    return new SinkStats(0, 0, 0, bundles, 0, 0, 0, 0, 0, 0);
  }

  private static SinkStats held(long bundles) {
    return new SinkStats(0, 0, 0, 0, 0, bundles, 0, 0, 0, 0);
  }

  @Test
  void spoolingAlertsOncePerEpisode() {
    Alerts alerts = new Alerts(notifier, 1000);
    alerts.check(spooled(0), 0);
    alerts.check(spooled(1), 100);
    alerts.check(spooled(2), 200);
    assertThat(sent).containsExactly("uploads failing");
    alerts.check(spooled(2), 0); // drained: the episode is over
    alerts.check(spooled(3), 100);
    assertThat(sent).containsExactly("uploads failing", "uploads failing");
  }

  @Test
  void aNearlyFullSpoolAlertsOnceUntilItEmptiesBelowTheMark() {
    Alerts alerts = new Alerts(notifier, 1000);
    alerts.check(spooled(0), 850);
    alerts.check(spooled(0), 900);
    assertThat(sent).containsExactly("spool nearly full");
    alerts.check(spooled(0), 100);
    alerts.check(spooled(0), 810);
    assertThat(sent).containsExactly("spool nearly full", "spool nearly full");
  }

  @Test
  void bundlesThatFitNowhereAlertOncePerEpisodeWhateverTheSpoolLimitSays() {
    Alerts alerts = new Alerts(notifier, 1000);
    alerts.check(held(1), 10); // the disk is full, far below the configured limit
    alerts.check(held(2), 10);
    assertThat(sent).containsExactly("sink intake stopped");
    alerts.check(held(0), 0);
    alerts.check(held(1), 10);
    assertThat(sent).containsExactly("sink intake stopped", "sink intake stopped");
  }
}
