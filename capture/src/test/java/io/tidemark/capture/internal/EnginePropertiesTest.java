package io.tidemark.capture.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.capture.CaptureSettings;
import io.tidemark.schemas.TopicNames;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class EnginePropertiesTest {

  private static Properties with(Duration heartbeat) {
    return EngineProperties.of(new CaptureSettings(new TopicNames("t"), "127.0.0.1", 3306, "u",
        "p", 5400, List.of("db"), "127.0.0.1:9092", 3, (short) 1, Duration.ofMillis(50),
        heartbeat));
  }

  /**
   * Bench, 2026-11-22: with a 500 ms keep-alive the binlog client gave up on every connection
   * while the server was still seeking the start GTID in a 630 MB binlog, and reconnected forever.
   */
  @Test
  void keepAliveOutlastsTheServersGtidSeekOnALargeBinlog() {
    Properties p = with(Duration.ofMillis(500));

    assertThat(p.getProperty("connect.keep.alive.interval.ms")).isEqualTo("10000");
    assertThat(p.getProperty("heartbeat.interval.ms")).isEqualTo("500");
  }

  @Test
  void aLongerHeartbeatIsTheKeepAlive() {
    Properties p = with(Duration.ofSeconds(30));

    assertThat(p.getProperty("connect.keep.alive.interval.ms")).isEqualTo("30000");
  }
}
