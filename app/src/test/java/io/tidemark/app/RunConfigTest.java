package io.tidemark.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidemark.app.config.ConfigException;
import io.tidemark.app.config.ConfigReader;
import io.tidemark.app.config.RawConfig;
import io.tidemark.capture.CaptureSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunConfigTest {
  private static final Map<String, String> ENV = Map.of("TIDEMARK_SOURCE_PASSWORD", "pw");

  @TempDir Path dir;

  private RunConfig read(String extra) throws Exception {
    Path file = Files.writeString(dir.resolve("tidemark.yaml"), """
        source:
          url: mariadb://tidemark@db1:3306
        repository: s3://backups/db1
        """ + extra);
    return RunConfig.read(new ConfigReader(RawConfig.load(Optional.of(file), ENV, Map.of()), ENV),
        RunConfig.Role.ALL);
  }

  @Test
  void capturePollsEvery10msUnlessConfigured() throws Exception {
    assertThat(read("").pollInterval())
        .isEqualTo(Duration.ofMillis(CaptureSettings.POLL_INTERVAL_MS))
        .isEqualTo(Duration.ofMillis(10));
    assertThat(read("capture:\n  poll-interval: 50ms\n").pollInterval())
        .isEqualTo(Duration.ofMillis(50));
  }

  @Test
  void aPollIntervalThatIsNotAPositiveDurationIsRefused() {
    assertThatThrownBy(() -> read("capture:\n  poll-interval: 0ms\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("capture.poll-interval (TIDEMARK_POLL_INTERVAL) is '0ms'");
  }
}
