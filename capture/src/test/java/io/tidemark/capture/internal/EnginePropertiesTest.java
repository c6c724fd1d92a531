package io.tidemark.capture.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.debezium.connector.mariadb.MariaDbConnector;
import io.debezium.connector.mysql.MySqlConnector;
import io.debezium.connector.binlog.BinlogConnectorConfig;
import io.debezium.spi.snapshot.Snapshotter;
import io.tidemark.capture.CaptureSettings;
import io.tidemark.schemas.TopicNames;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.source.SourceConnector;
import org.junit.jupiter.api.Test;

/**
 * Each connector's own validation accepts the properties written for its kind of server. The
 * server is unreachable on purpose: only the connection check may complain.
 */
class EnginePropertiesTest {
  private static final Set<String> CONNECTION =
      Set.of("database.hostname", "database.port", "database.user", "database.password");
  private static final CaptureSettings SETTINGS = new CaptureSettings(new TopicNames("src"),
      "127.0.0.1", 1, "tidemark", "pw", 5401, List.of("shop"), "127.0.0.1:9", 3, (short) 1,
      Duration.ofMillis(50), Duration.ofMillis(500));

  @Test
  void theMySqlConnectorAcceptsTheMySqlProperties() {
    Properties p = EngineProperties.of(SETTINGS, ServerFlavor.MYSQL);

    assertThat(p.getProperty("connector.class")).isEqualTo(MySqlConnector.class.getName());
    assertThat(configErrors(new MySqlConnector(), p)).isEmpty();
  }

  @Test
  void theMariaDbConnectorAcceptsTheMariaDbProperties() {
    Properties p = EngineProperties.of(SETTINGS, ServerFlavor.MARIADB);

    assertThat(p.getProperty("connector.class")).isEqualTo(MariaDbConnector.class.getName());
    assertThat(configErrors(new MariaDbConnector(), p)).isEmpty();
  }

  @Test
  void theSslModeOfOneKindIsAnErrorForTheOther() {
    // Guards the test above: validation does look at the mode's spelling.
    Properties mariaDbSpelling = EngineProperties.of(SETTINGS, ServerFlavor.MARIADB);

    assertThat(configErrors(new MySqlConnector(), mariaDbSpelling))
        .containsKey("database.ssl.mode");
  }

  private static Map<String, List<String>> configErrors(SourceConnector connector,
      Properties p) {
    Map<String, String> config = p.stringPropertyNames().stream()
        .collect(Collectors.toMap(k -> k, p::getProperty));
    return connector.validate(config).configValues().stream()
        .filter(v -> !v.errorMessages().isEmpty() && !CONNECTION.contains(v.name()))
        .collect(Collectors.toMap(ConfigValue::name, ConfigValue::errorMessages));
  }

  @Test
  void theSnapshotModeNeverTakesASilentSnapshotWhenTheBinlogIsGone() {
    String mode = EngineProperties.of(SETTINGS, ServerFlavor.MARIADB).getProperty(
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
    assertThat(EngineProperties.of(SETTINGS, ServerFlavor.MARIADB).getProperty("name"))
        .isEqualTo(EngineProperties.engineName(new TopicNames("src")));
  }

  /**
   * Bench, 2026-11-22: with a 500 ms keep-alive the binlog client gave up on every connection
   * while the server was still seeking the start GTID in a 630 MB binlog, and reconnected forever.
   */
  @Test
  void keepAliveOutlastsTheServersGtidSeekOnALargeBinlog() {
    Properties p = EngineProperties.of(withHeartbeat(Duration.ofMillis(500)), ServerFlavor.MARIADB);

    assertThat(p.getProperty("connect.keep.alive.interval.ms")).isEqualTo("10000");
    assertThat(p.getProperty("heartbeat.interval.ms")).isEqualTo("500");
  }

  @Test
  void aLongerHeartbeatIsTheKeepAlive() {
    Properties p = EngineProperties.of(withHeartbeat(Duration.ofSeconds(30)), ServerFlavor.MARIADB);

    assertThat(p.getProperty("connect.keep.alive.interval.ms")).isEqualTo("30000");
  }

  private static CaptureSettings withHeartbeat(Duration heartbeat) {
    return new CaptureSettings(new TopicNames("src"), "127.0.0.1", 1, "tidemark", "pw", 5401,
        List.of("shop"), "127.0.0.1:9", 3, (short) 1, Duration.ofMillis(50), heartbeat);
  }
}
