package io.tidemark.capture.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.debezium.connector.binlog.BinlogConnectorConfig;
import io.debezium.spi.snapshot.Snapshotter;
import io.tidemark.capture.CaptureSettings;
import io.tidemark.schemas.TopicNames;
import java.time.Duration;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class EnginePropertiesTest {
  private static final CaptureSettings SETTINGS = new CaptureSettings(new TopicNames("shop"),
      "db", 3306, "tidemark", "pw", 5401, List.of("shop"), "kafka:9092", 3, (short) 1,
      Duration.ofMillis(50), Duration.ofSeconds(1));

  @Test
  void theSnapshotModeNeverTakesASilentSnapshotWhenTheBinlogIsGone() {
    String mode = EngineProperties.of(SETTINGS).getProperty(
        BinlogConnectorConfig.SNAPSHOT_MODE.name(),
        BinlogConnectorConfig.SNAPSHOT_MODE.defaultValueAsString());
    Snapshotter snapshotter = ServiceLoader.load(Snapshotter.class).stream()
        .map(ServiceLoader.Provider::get).filter(s -> s.name().equals(mode)).findFirst()
        .orElseThrow(() -> new AssertionError("no Debezium snapshotter named " + mode));

    assertThat(snapshotter.shouldSnapshotOnDataError())
        .as("snapshot.mode=%s would re-snapshot instead of failing on a purged binlog", mode)
        .isFalse();
  }

  @Test
  void theOffsetsAreKeyedByTheEngineName() {
    assertThat(EngineProperties.of(SETTINGS).getProperty("name"))
        .isEqualTo(EngineProperties.engineName(new TopicNames("shop")));
  }
}
