package io.tidemark.app.config;

import io.tidemark.capture.CaptureSettings;
import io.tidemark.capture.SnapshotSettings;
import io.tidemark.sinks.FlushPolicy;
import io.tidemark.sinks.SinkSettings;
import java.util.Arrays;
import java.util.Optional;

/**
 * Every setting of {@code tidemark}: its key in the YAML file, the environment variable that
 * overrides the file, its default and what it means. The README's table of settings is generated
 * from this enum ({@code ConfigDocsTest} fails when they drift). Flags override both.
 */
public enum ConfigKey {
  SOURCE("source.url", "TIDEMARK_SOURCE", null,
      "the source server, `mysql://USER@HOST:PORT` or `mariadb://USER@HOST:PORT`, never with a"
          + " password"),
  SOURCE_PASSWORD(null, "TIDEMARK_SOURCE_PASSWORD", null,
      "the source user's password (only from the environment or the defaults file)"),
  SOURCE_DEFAULTS_FILE("source.defaults-file", "TIDEMARK_SOURCE_DEFAULTS_FILE", null,
      "a my.cnf-style file whose `[client]` section holds `password` (and may hold `user`)"),
  SOURCE_NAME("source.name", "TIDEMARK_SOURCE_NAME", "tidemark",
      "names the source's Kafka topics and consumer groups; one per source database server"),
  DATABASES("source.databases", "TIDEMARK_DATABASES", "",
      "databases to back up, comma-separated; empty: every non-system database"),
  SERVER_ID("source.server-id", "TIDEMARK_SERVER_ID", "54001",
      "server id capture uses as a binlog client; unique in the replication topology"),
  POLL_INTERVAL("capture.poll-interval", "TIDEMARK_POLL_INTERVAL",
      CaptureSettings.POLL_INTERVAL_MS + "ms",
      "the longest a change waits in capture for its batch to fill before it goes to Kafka, one"
          + " Kafka transaction per batch: shorter lowers latency under a light load and costs a"
          + " transaction per interval"),
  REPOSITORY("repository", "S3_BUCKET", null,
      "where bundles go: `s3://BUCKET/PREFIX` (AWS_ENDPOINT_URL, AWS_REGION, AWS_ACCESS_KEY_ID,"
          + " AWS_SECRET_ACCESS_KEY apply) or `file:///PATH` for a local directory"),
  KAFKA("kafka.bootstrap-servers", "KAFKA_BOOTSTRAP_SERVERS", "",
      "Kafka bootstrap servers; empty: `run` starts an embedded single-node broker whose data"
          + " lives in the backup directory"),
  KAFKA_PARTITIONS("kafka.partitions", "TIDEMARK_KAFKA_PARTITIONS", "6",
      "partitions of the change topic when tidemark creates it (the most sink workers that"
          + " share the work)"),
  KAFKA_REPLICATION("kafka.replication-factor", "TIDEMARK_KAFKA_REPLICATION_FACTOR", "3",
      "replication factor of the topics tidemark creates (1 with the embedded broker)"),
  BACKUP_DIR("backup-dir", "MYSQL_BACKUP_DIR", "~/.tidemark",
      "local state: the spool of bundles waiting for the repository, the embedded broker's data;"
          + " one running process per directory"),
  SNAPSHOT_INTERVAL("snapshot.interval", "TIDEMARK_SNAPSHOT_INTERVAL", "24h",
      "time between scheduled snapshots (`run` takes one at once when the repository has none)"),
  SNAPSHOT_THREADS("snapshot.threads", "TIDEMARK_SNAPSHOT_THREADS",
      String.valueOf(SnapshotSettings.DEFAULT.threads()),
      "connections reading a snapshot in parallel"),
  FLUSH_EVENTS("sink.flush-events", "TIDEMARK_FLUSH_EVENTS",
      String.valueOf(FlushPolicy.DEFAULT.maxEvents()),
      "a bundle is written when its partition's batch holds this many events"),
  FLUSH_BYTES("sink.flush-bytes", "TIDEMARK_FLUSH_BYTES",
      (FlushPolicy.DEFAULT.maxBytes() >> 20) + "MiB",
      "... or this many bytes"),
  FLUSH_AGE("sink.flush-age", "TIDEMARK_FLUSH_AGE",
      FlushPolicy.DEFAULT.maxAge().toSeconds() + "s",
      "... or when its oldest event is this old"),
  MAX_BUFFERED("sink.max-buffered", "TIDEMARK_MAX_BUFFERED",
      (SinkSettings.DEFAULT_MAX_BUFFERED_BYTES >> 20) + "MiB",
      "the most all of a worker's batches may hold together in memory; at this, the largest is"
          + " written at once. Bundles being written and uploaded (at most 4, on the worker's"
          + " store thread) hold at most a quarter of it more"),
  SESSION_TIMEOUT("sink.session-timeout", "TIDEMARK_SESSION_TIMEOUT",
      SinkSettings.DEFAULT_SESSION_TIMEOUT.toSeconds() + "s",
      "how long the sink group waits for a worker that stopped answering (killed, cut off)"
          + " before its partitions move to the other workers"),
  COMPRESSION("sink.compression", "TIDEMARK_COMPRESSION", "zstd",
      "bundle compression: zstd, snappy, deflate or none"),
  MASTER_KEY_FILE("encryption.master-key-file", "TIDEMARK_MASTER_KEY_FILE", "",
      "a file with the 256-bit master key (32 bytes, 64 hex digits or base64): bundles are"
          + " encrypted with AES-256-GCM under a data key per bundle that this key wraps;"
          + " restore needs the same key; empty: bundles are not encrypted"),
  MASTER_KEY(null, "TIDEMARK_MASTER_KEY", null,
      "the master key as 64 hex digits or base64, instead of a file"),
  SPOOL_MAX("sink.spool-max", "TIDEMARK_SPOOL_MAX", "10GiB",
      "the most the spool may hold while the repository is unreachable; when full (or its disk"
          + " is), intake stops until the repository is back"),
  MAX_FAILURES("sink.max-failures", "TIDEMARK_MAX_FAILURES", "5",
      "failed uploads in a row after which the sink spools everything it holds and stops"),
  RESTORE_THREADS("restore.threads", "TIDEMARK_RESTORE_THREADS", "2",
      "connections loading snapshot chunks in parallel"),
  KEEP_MAX("retention.max-snapshots", "TIDEMARK_KEEP_MAX", "0",
      "`prune` keeps at most this many snapshots; 0: no limit by count"),
  KEEP_MIN("retention.min-snapshots", "TIDEMARK_KEEP_MIN", "1",
      "`prune` always keeps the newest this many snapshots, whatever their age"),
  KEEP_AGE("retention.max-age", "TIDEMARK_KEEP_AGE", "",
      "how far back point-in-time recovery must reach (e.g. 30d); `prune` deletes what is older"
          + " and not needed for it; empty: no limit by age"),
  DRILL_TARGET("drill.target", "TIDEMARK_DRILL_TARGET", "",
      "a scratch server, `mysql://USER@HOST:PORT`, that `run` restores the latest backup into on"
          + " a schedule, EMPTYING IT FIRST; password from TIDEMARK_DRILL_PASSWORD; empty: no"
          + " drills"),
  DRILL_PASSWORD(null, "TIDEMARK_DRILL_PASSWORD", null, "the scratch server user's password"),
  DRILL_INTERVAL("drill.interval", "TIDEMARK_DRILL_INTERVAL", "24h",
      "time between restore drills (the first one after one interval)"),
  HTTP("http.listen", "TIDEMARK_HTTP", "127.0.0.1:7878",
      "address of the status API and Prometheus metrics of `run`; `off` disables it"),
  SLACK_WEBHOOK("notify.slack-webhook", "SLACK_WEBHOOK", "",
      "Slack incoming-webhook URL for alerts; empty: no Slack alerts"),
  MAIL_ADDR("notify.mail", "MAIL_ADDR", "",
      "address alerts are mailed to; empty: no mail alerts"),
  SMTP_HOST("notify.smtp-host", "SMTP_HOST", "localhost", "SMTP server for mail alerts"),
  SMTP_PORT("notify.smtp-port", "SMTP_PORT", "25", "its port"),
  SMTP_FROM("notify.smtp-from", "SMTP_FROM", "tidemark@localhost", "sender of mail alerts");

  private final String yamlPath;
  private final String env;
  private final String defaultValue;
  private final String description;

  ConfigKey(String yamlPath, String env, String defaultValue, String description) {
    this.yamlPath = yamlPath;
    this.env = env;
    this.defaultValue = defaultValue;
    this.description = description;
  }

  /** The key in the YAML file; empty for secrets, which never live in it. */
  public Optional<String> yamlPath() {
    return Optional.ofNullable(yamlPath);
  }

  public String env() {
    return env;
  }

  public Optional<String> defaultValue() {
    return Optional.ofNullable(defaultValue);
  }

  public String description() {
    return description;
  }

  /** How a message names the key: its YAML key and its environment variable. */
  public String label() {
    return yamlPath == null ? env : yamlPath + " (" + env + ")";
  }

  static Optional<ConfigKey> byYamlPath(String path) {
    return Arrays.stream(values()).filter(k -> path.equals(k.yamlPath)).findFirst();
  }

  /** The README's table of settings. */
  public static String markdownTable() {
    StringBuilder t = new StringBuilder("| YAML key | environment | default | meaning |\n"
        + "|---|---|---|---|\n");
    for (ConfigKey k : values()) {
      t.append("| ").append(k.yamlPath == null ? "—" : "`" + k.yamlPath + "`")
          .append(" | `").append(k.env).append("` | ")
          .append(k.defaultValue == null ? "—" : k.defaultValue.isEmpty() ? "(empty)"
              : "`" + k.defaultValue + "`")
          .append(" | ").append(k.description).append(" |\n");
    }
    return t.toString();
  }
}
