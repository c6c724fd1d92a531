package io.tidemark.capture;

import io.tidemark.schemas.TopicNames;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What capture needs to stream one source database into Kafka.
 *
 * @param topics the topic names of the source
 * @param host source server host
 * @param port source server port
 * @param user the capture user (grants: SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE,
 *     REPLICATION CLIENT, BINLOG MONITOR, LOCK TABLES)
 * @param password its password; never logged, never in {@link #toString()}
 * @param replicaServerId the server id capture uses as a binlog client; must differ from every
 *     server id of the replication topology
 * @param databases databases to capture; empty means every non-system database
 * @param bootstrapServers Kafka bootstrap servers
 * @param partitions partitions of the change topic when capture creates it
 * @param replicationFactor replication factor of the topics capture creates
 * @param pollInterval the longest a change waits in Debezium's queue for its batch to fill,
 *     which it does whenever fewer than a full batch (2,048) arrive in that time
 * @param heartbeatInterval how often capture records its position on a quiet source; the binlog
 *     keep-alive (and with it the server's heartbeats) is never shorter than 10 s, so on a quiet
 *     source the position advances about every 8 s at best
 */
public record CaptureSettings(
    TopicNames topics, String host, int port, String user, String password, long replicaServerId,
    List<String> databases, String bootstrapServers, int partitions, short replicationFactor,
    Duration pollInterval, Duration heartbeatInterval) {

  /**
   * The poll interval {@code tidemark run} uses and the capture benchmark measures, in ms.
   * Debezium (3.5) hands the engine a batch only when 2,048 records or the queue's byte bound
   * are waiting, or when this interval has passed since it began to wait, so under a write load
   * below that rate every change waits up to this long before it is forwarded. The price of a
   * short interval is a Kafka transaction per interval under a light load; measured in
   * docs/benchmarks.md (tenth session).
   */
  public static final long POLL_INTERVAL_MS = 10;

  public CaptureSettings {
    Objects.requireNonNull(topics, "topics");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
    databases = List.copyOf(databases);
  }

  /**
   * The name every capture process of this source shares: the Kafka consumer group in which
   * they elect the active one, and the transactional id the active one writes with, so that
   * a newly active process fences the previous one.
   */
  public String fencingId() {
    return "tidemark-capture-" + topics.source();
  }

  @Override
  public String toString() {
    return "CaptureSettings[source=" + topics.source() + ", " + user + "@" + host + ":" + port
        + ", databases=" + databases + ", kafka=" + bootstrapServers + "]";
  }
}
