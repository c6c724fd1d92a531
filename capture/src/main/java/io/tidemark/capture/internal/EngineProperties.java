package io.tidemark.capture.internal;

import io.tidemark.capture.CaptureSettings;
import java.time.Duration;
import java.util.Properties;

/** Translates capture settings into the Debezium engine's configuration, in one place. */
public final class EngineProperties {
  /**
   * The binlog client drops and re-opens its connection when no event arrived for the keep-alive
   * interval, and on every (re)connect the server first scans the binlog file for the start GTID
   * before it sends anything: ~1 s for a 630 MB file here, more on a 1 GiB file on a cold disk.
   * With a 500 ms keep-alive capture reconnected every 500 ms forever and never streamed an
   * event (bench, 2026-11-22). Below this floor the keep-alive is raised; the price is that a
   * quiet source's position advances only with the server's heartbeats, 0.8 x this value.
   */
  static final Duration MIN_KEEP_ALIVE = Duration.ofSeconds(10);

  private EngineProperties() {}

  public static Properties of(CaptureSettings s) {
    Properties p = new Properties();
    p.setProperty("name", "tidemark-" + s.topics().source());
    p.setProperty("connector.class", "io.debezium.connector.mariadb.MariaDbConnector");
    p.setProperty("topic.prefix", s.topics().source());
    p.setProperty("database.hostname", s.host());
    p.setProperty("database.port", Integer.toString(s.port()));
    p.setProperty("database.user", s.user());
    p.setProperty("database.password", s.password());
    p.setProperty("database.server.id", Long.toString(s.replicaServerId()));
    p.setProperty("database.ssl.mode", "disable");
    if (!s.databases().isEmpty()) {
      p.setProperty("database.include.list", String.join(",", s.databases()));
    }
    // Exact values: decimals and unsigned BIGINT as text, temporal types to the microsecond.
    p.setProperty("decimal.handling.mode", "string");
    p.setProperty("bigint.unsigned.handling.mode", "precise");
    p.setProperty("time.precision.mode", "adaptive_time_microseconds");
    p.setProperty("binary.handling.mode", "bytes");
    // Data snapshots are our own (Snapshotter); the connector records the schema and streams.
    p.setProperty("snapshot.mode", "no_data");
    p.setProperty("include.schema.changes", "true");
    p.setProperty("provide.transaction.metadata", "true");
    p.setProperty("tombstones.on.delete", "false");
    p.setProperty("poll.interval.ms", Long.toString(s.pollInterval().toMillis()));
    p.setProperty("heartbeat.interval.ms", Long.toString(s.heartbeatInterval().toMillis()));
    // The server sends binlog heartbeats every 0.8 x the keep-alive interval; without them a
    // quiet source produces no event on which Debezium could emit its own heartbeat.
    p.setProperty("connect.keep.alive.interval.ms", Long.toString(keepAlive(s).toMillis()));

    // Offsets and DDL history live in Kafka, never in local files.
    p.setProperty("bootstrap.servers", s.bootstrapServers());
    p.setProperty("offset.storage", "org.apache.kafka.connect.storage.KafkaOffsetBackingStore");
    p.setProperty("offset.storage.topic", s.topics().offsets());
    p.setProperty("offset.storage.partitions", "1");
    p.setProperty("offset.storage.replication.factor", Short.toString(s.replicationFactor()));
    p.setProperty("offset.flush.interval.ms", "1000");
    p.setProperty("schema.history.internal", "io.debezium.storage.kafka.history.KafkaSchemaHistory");
    p.setProperty("schema.history.internal.kafka.topic", s.topics().schemaHistory());
    p.setProperty("schema.history.internal.kafka.bootstrap.servers", s.bootstrapServers());
    p.setProperty("schema.history.internal.kafka.topic.replication.factor",
        Short.toString(s.replicationFactor()));
    return p;
  }

  /** The heartbeat interval, but never below {@link #MIN_KEEP_ALIVE}. */
  static Duration keepAlive(CaptureSettings s) {
    return s.heartbeatInterval().compareTo(MIN_KEEP_ALIVE) < 0 ? MIN_KEEP_ALIVE
        : s.heartbeatInterval();
  }
}
