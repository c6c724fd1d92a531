package io.tidemark.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.restore.RestoreProgress;
import io.tidemark.restore.RestoreProgress.Phase;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
  @Test
  void loadShowsTheBarDoneOfTotalRateAndEta() {
    String line = ProgressBar.line(new RestoreProgress.Reading(Phase.LOAD, 25_000, 100_000, 0, 0,
        Duration.ofSeconds(5)));
    assertThat(line).isEqualTo("load   [########......................] 25,000 / 100,000 rows"
        + "  25%  5,000 rows/s  ETA 0:00:15");
  }

  @Test
  void replayShowsEventsTransactionsAndRate() {
    assertThat(ProgressBar.line(new RestoreProgress.Reading(Phase.REPLAY, 0, 0, 30_000, 3_000,
        Duration.ofSeconds(10)))).isEqualTo("replay 30,000 events in 3,000 transactions"
        + "  3,000 events/s");
  }

  @Test
  void theCheckAfterTheLoadShowsItsPhaseAndTime() {
    assertThat(ProgressBar.line(new RestoreProgress.Reading(Phase.CHECK, 7, 7, 0, 0,
        Duration.ofSeconds(75)))).isEqualTo("check 0:01:15");
  }

  @Test
  void theStatusObjectNamesPhaseAndCounts() {
    assertThat(ProgressBar.json(new RestoreProgress.Reading(Phase.REPLAY, 7, 7, 5, 2,
        Duration.ofSeconds(3)))).containsEntry("phase", "replay")
        .containsEntry("rows_total", 7L).containsEntry("events_replayed", 5L)
        .containsEntry("transactions_replayed", 2L);
  }
}
