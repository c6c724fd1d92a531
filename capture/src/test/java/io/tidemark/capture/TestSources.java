package io.tidemark.capture;

import io.tidemark.schemas.TopicNames;
import io.tidemark.testkit.KafkaBroker;
import io.tidemark.testkit.MariaDbServer;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/** Settings and names the capture tests share; each test still gets its own database and topics. */
final class TestSources {
  static final String USER = "tidemark";
  static final String PASSWORD = "capture-pw";
  /** Differs from every test server's server_id. */
  static final long REPLICA_SERVER_ID = 5401;
  static final Duration POLL_INTERVAL = Duration.ofMillis(50);
  static final Duration HEARTBEAT = Duration.ofMillis(500);

  private TestSources() {}

  /** Topic names of a source called {@code prefix} plus a random suffix. */
  static TopicNames uniqueTopics(String prefix) {
    return new TopicNames(prefix + "-" + UUID.randomUUID().toString().substring(0, 8));
  }

  static CaptureSettings settings(TopicNames topics, MariaDbServer source, String database,
      KafkaBroker kafka, int partitions) {
    return new CaptureSettings(topics, "127.0.0.1", source.port(), USER, PASSWORD,
        REPLICA_SERVER_ID, List.of(database), kafka.bootstrapServers(), partitions, (short) 1,
        POLL_INTERVAL, HEARTBEAT);
  }
}
