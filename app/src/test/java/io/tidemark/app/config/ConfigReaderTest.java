package io.tidemark.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigReaderTest {
  @TempDir Path dir;

  private ConfigReader reader(String yaml, Map<String, String> env,
      Map<ConfigKey, String> flags) throws Exception {
    Path file = Files.writeString(dir.resolve("tidemark.yaml"), yaml);
    return new ConfigReader(RawConfig.load(Optional.of(file), env, flags), env);
  }

  @Test
  void flagsOverrideTheEnvironmentWhichOverridesTheFile() throws Exception {
    ConfigReader r = reader("""
        sink:
          flush-age: 30s
          flush-events: 10
        snapshot:
          interval: 1h
        """, Map.of("TIDEMARK_FLUSH_AGE", "20s", "TIDEMARK_SNAPSHOT_INTERVAL", "2h"),
        Map.of(ConfigKey.SNAPSHOT_INTERVAL, "3h"));
    assertThat(r.duration(ConfigKey.FLUSH_AGE)).isEqualTo(Duration.ofSeconds(20));
    assertThat(r.intAtLeast(ConfigKey.FLUSH_EVENTS, 1)).isEqualTo(10);
    assertThat(r.duration(ConfigKey.SNAPSHOT_INTERVAL)).isEqualTo(Duration.ofHours(3));
    assertThat(r.dataSize(ConfigKey.SPOOL_MAX)).isEqualTo(10L << 30); // the default
    r.check();
  }

  @Test
  void everyProblemIsReportedAtOnceWithKeyValueAndFix() throws Exception {
    ConfigReader r = reader("""
        sink:
          flush-age: soon
          spool-max: lots
        snapshot:
          threads: 0
        """, Map.of(), Map.of());
    r.duration(ConfigKey.FLUSH_AGE);
    r.dataSize(ConfigKey.SPOOL_MAX);
    r.intAtLeast(ConfigKey.SNAPSHOT_THREADS, 1);
    r.source();
    r.repository();
    assertThatThrownBy(r::check).isInstanceOfSatisfying(ConfigException.class, e -> {
      assertThat(e.problems()).hasSize(5);
      assertThat(e.getMessage())
          .contains("sink.flush-age (TIDEMARK_FLUSH_AGE) is 'soon': write a positive duration")
          .contains("sink.spool-max (TIDEMARK_SPOOL_MAX) is 'lots': write a positive size")
          .contains("snapshot.threads (TIDEMARK_SNAPSHOT_THREADS) is '0'")
          .contains("source.url (TIDEMARK_SOURCE) is not set")
          .contains("repository (S3_BUCKET) is not set");
    });
  }

  @Test
  void aMisspelledKeyAndAPasswordInTheFileAreRefused() {
    assertThatThrownBy(() -> reader("""
        sink:
          flush-agee: 10s
        source:
          password: hunter2
        """, Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("sink.flush-agee in")
        .hasMessageContaining("is not a tidemark setting")
        .hasMessageContaining("passwords never live in the configuration file")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void aPasswordInTheSourceUrlIsRefusedWithoutRepeatingIt() throws Exception {
    ConfigReader r = reader("", Map.of("TIDEMARK_SOURCE", "mysql://backup:s3cr3t@db1:3306"),
        Map.of());
    assertThat(r.source()).isNull();
    assertThatThrownBy(r::check).hasMessageContaining("carries a password")
        .hasMessageContaining("TIDEMARK_SOURCE_PASSWORD").hasMessageNotContaining("s3cr3t");
  }

  @Test
  void thePasswordComesFromTheEnvironmentOrTheDefaultsFile() throws Exception {
    ConfigReader fromEnv = reader("source:\n  url: mariadb://backup@db1\n",
        Map.of("TIDEMARK_SOURCE_PASSWORD", "pw-env"), Map.of());
    assertThat(fromEnv.source()).isEqualTo(new ServerAddress("db1", 3306, "backup", "pw-env"));
    assertThat(fromEnv.source().toString()).doesNotContain("pw-env");

    Path cnf = Files.writeString(dir.resolve("my.cnf"),
        "[mysqld]\npassword=wrong\n[client]\nuser = capture\npassword = \"pw file\"\n");
    ConfigReader fromFile = reader("source:\n  url: mysql://backup@db1:3307\n", Map.of(),
        Map.of(ConfigKey.SOURCE_DEFAULTS_FILE, cnf.toString()));
    assertThat(fromFile.source()).isEqualTo(new ServerAddress("db1", 3307, "capture", "pw file"));

    ConfigReader none = reader("source:\n  url: mysql://backup@db1:3307\n", Map.of(), Map.of());
    none.source();
    assertThatThrownBy(none::check).hasMessageContaining("no password for backup@db1:3307");
  }

  @Test
  void repositoriesAreS3OrALocalDirectory() throws Exception {
    ConfigReader s3 = reader("repository: s3://backups/prod/db1/\n",
        Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:9000"), Map.of());
    assertThat(s3.repository()).isEqualTo(new Repository.S3("backups", "prod/db1",
        java.net.URI.create("http://127.0.0.1:9000")));
    ConfigReader local = reader("repository: file:///var/backups/tidemark\n", Map.of(), Map.of());
    assertThat(local.repository()).isEqualTo(new Repository.Local(Path.of("/var/backups/tidemark")));
    ConfigReader bad = reader("repository: ftp://host/x\n", Map.of(), Map.of());
    bad.repository();
    assertThatThrownBy(bad::check).hasMessageContaining("write s3://BUCKET/PREFIX");
  }

  @Test
  void sizesAndDurationsTakeTheirUnits() throws Exception {
    ConfigReader r = reader("sink:\n  flush-bytes: 512KiB\n  flush-age: 500ms\n", Map.of(),
        Map.of(ConfigKey.SPOOL_MAX, "2048"));
    assertThat(r.dataSize(ConfigKey.FLUSH_BYTES)).isEqualTo(512 * 1024);
    assertThat(r.dataSize(ConfigKey.SPOOL_MAX)).isEqualTo(2048);
    assertThat(r.duration(ConfigKey.FLUSH_AGE)).isEqualTo(Duration.ofMillis(500));
    r.check();
  }
}
