package io.tidemark.capture.internal;

import io.tidemark.capture.CaptureSettings;
import io.tidemark.schemas.TopicNames;
import java.time.Duration;
import java.util.Properties;

/**
 * Translates capture settings into the Debezium engine's configuration, in one place, for
 * either kind of server; what differs between the connectors comes from {@link ServerFlavor}.
 */
public final class EngineProperties {
  /**
   * How much the engine queues between Debezium's binlog reader and {@link KafkaForwarder}, by
   * the size Debezium estimates for each record: the reader waits while the queue holds this
   * much, so it holds at most this plus one record. The count limit alone (8,192 records) let a
   * backlog of 4 MiB rows fill a 384 MiB heap (CaptureMemoryIT). The forwarder's batch is drawn
   * from the queue, which then fills again, so capture holds at most about twice this (plus a
   * record) of the stream; sysbench-sized rows never reach the bound.
   */
  static final long QUEUE_BYTES = 32L << 20;

  private EngineProperties() {}

  /**
   * The binlog client drops and re-opens its connection when no event arrived for the keep-alive
   * interval, and on every (re)connect the server first scans the binlog file for the start GTID
   * before it sends anything: ~1 s for a 630 MB file here, more on a cold disk. With a 500 ms
   * keep-alive capture reconnected forever and never streamed (bench, 2026-11-22); at 200 ms a
   * binlog of 16 MiB rows saw hundreds of reconnects, each replaying events. Below this floor
   * the keep-alive is raised; the price is that a quiet source's position advances only with
   * the server's heartbeats, every 0.8 times this value.
   */
  static final Duration MIN_KEEP_ALIVE = Duration.ofSeconds(10);

  /** The engine's name, which also keys its offsets in the offsets topic. */
  public static String engineName(TopicNames topics) {
    return "tidemark-" + topics.source();
  }

  public static Properties of(CaptureSettings s, ServerFlavor flavor) {
    Properties p = new Properties();
    // Every capture process of the source shares this name, and so the offsets it keys: a
    // standby that takes over resumes where the previous one's committed offsets end.
    p.setProperty("name", engineName(s.topics()));
    p.setProperty("connector.class", flavor.connectorClass());
    p.setProperty("topic.prefix", s.topics().source());
    p.setProperty("database.hostname", s.host());
    p.setProperty("database.port", Integer.toString(s.port()));
    p.setProperty("database.user", s.user());
    p.setProperty("database.password", s.password());
    p.setProperty("database.server.id", Long.toString(s.replicaServerId()));
    p.setProperty("database.ssl.mode", flavor.sslMode());
    if (!s.databases().isEmpty()) {
      p.setProperty("database.include.list", String.join(",", s.databases()));
    }
    exactValues(p);
    // Data snapshots are our own (Snapshotter); the connector records the schema and streams.
    p.setProperty("snapshot.mode", "no_data");
    p.setProperty("include.schema.changes", "true");
    p.setProperty("provide.transaction.metadata", "true");
    p.setProperty("tombstones.on.delete", "false");
    p.setProperty("poll.interval.ms", Long.toString(s.pollInterval().toMillis()));
    p.setProperty("max.queue.size.in.bytes", Long.toString(QUEUE_BYTES));
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

  /** Every value exactly as the source holds it; see ColumnValues for the forms. */
  private static void exactValues(Properties p) {
    p.setProperty("decimal.handling.mode", "string");
    p.setProperty("bigint.unsigned.handling.mode", "precise");
    p.setProperty("time.precision.mode", "adaptive_time_microseconds");
    p.setProperty("binary.handling.mode", "bytes");
    // The server stores four-digit years; Debezium's adjuster would turn 0001-0099 into 20xx/19xx.
    p.setProperty("enable.time.adjuster", "false");
    // The driver reads YEAR as java.sql.Date by default, which cannot hold 0000 and fails the
    // whole snapshot; as a number it reaches ExactTypeConverter.
    p.setProperty("database.yearIsDateType", "false");
    p.setProperty("converters", "exact");
    p.setProperty("exact.type", ExactTypeConverter.class.getName());
    // A value Debezium cannot convert stops capture instead of being archived as NULL.
    p.setProperty("event.converting.failure.handling.mode", "fail");
  }

  /** The heartbeat interval, but never below {@link #MIN_KEEP_ALIVE}. */
  static Duration keepAlive(CaptureSettings s) {
    return s.heartbeatInterval().compareTo(MIN_KEEP_ALIVE) < 0 ? MIN_KEEP_ALIVE
        : s.heartbeatInterval();
  }
}
