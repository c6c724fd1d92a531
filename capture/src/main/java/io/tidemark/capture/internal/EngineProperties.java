package io.tidemark.capture.internal;

import io.tidemark.capture.CaptureSettings;
import io.tidemark.schemas.TopicNames;
import java.util.Properties;

/** Translates capture settings into the Debezium engine's configuration, in one place. */
public final class EngineProperties {
  private EngineProperties() {}

  /** The engine's name, which also keys its offsets in the offsets topic. */
  public static String engineName(TopicNames topics) {
    return "tidemark-" + topics.source();
  }

  public static Properties of(CaptureSettings s) {
    Properties p = new Properties();
    p.setProperty("name", engineName(s.topics()));
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
    p.setProperty("include.schema.changes", "true");
    p.setProperty("provide.transaction.metadata", "true");
    p.setProperty("tombstones.on.delete", "false");
    p.setProperty("poll.interval.ms", Long.toString(s.pollInterval().toMillis()));
    p.setProperty("heartbeat.interval.ms", Long.toString(s.heartbeatInterval().toMillis()));
    // The server sends binlog heartbeats every 0.8 x the keep-alive interval; without them a
    // quiet source produces no event on which Debezium could emit its own heartbeat.
    p.setProperty("connect.keep.alive.interval.ms", Long.toString(s.heartbeatInterval().toMillis()));

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
}
