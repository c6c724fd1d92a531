package io.tidemark.app;

import io.tidemark.app.config.ConfigException;
import io.tidemark.app.config.ConfigKey;
import io.tidemark.app.config.ConfigReader;
import io.tidemark.app.config.Repository;
import io.tidemark.app.config.ServerAddress;
import io.tidemark.capture.SnapshotSettings;
import io.tidemark.restore.RestoreSettings;
import io.tidemark.schemas.BundleCodec;
import io.tidemark.schemas.MasterKey;
import io.tidemark.sinks.FlushPolicy;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Everything {@code tidemark run} needs, read and checked at once. */
record RunConfig(Role role, ServerAddress source, String sourceName, List<String> databases,
    long serverId, Duration pollInterval, Repository repository, Optional<String> kafka,
    int partitions, short replicationFactor, Path backupDir, Duration snapshotInterval,
    SnapshotSettings snapshot, FlushPolicy flush, long maxBuffered, Duration sessionTimeout,
    BundleCodec codec, MasterKey masterKey, long spoolMax, int maxFailures,
    Optional<InetSocketAddress> http, Notifier.Settings alerts,
    Optional<RestoreSettings.Target> drillTarget, Duration drillInterval) {

  /** What a {@code run} process does. */
  enum Role {
    /** capture, snapshots and a sink worker */
    ALL,
    /** a sink worker only, to add throughput */
    SINK
  }

  private static Optional<RestoreSettings.Target> drillTarget(ConfigReader r) {
    return r.optional(ConfigKey.DRILL_TARGET).map(url -> r.server(ConfigKey.DRILL_TARGET.label(),
        url, ConfigKey.DRILL_PASSWORD.env(), Optional.empty())).map(a ->
        new RestoreSettings.Target(a.host(), a.port(), a.user(), a.password()));
  }

  static RunConfig read(ConfigReader r, Role role) throws ConfigException {
    ServerAddress source = role == Role.ALL ? r.source() : null;
    String name = r.optional(ConfigKey.SOURCE_NAME).orElse("");
    if (!name.matches("[A-Za-z0-9_-]{1,100}")) {
      r.problem(ConfigKey.SOURCE_NAME.label() + " is '" + name + "': use 1 to 100 letters,"
          + " digits, '_' or '-' (it names Kafka topics)");
    }
    int serverId = r.intAtLeast(ConfigKey.SERVER_ID, 1);
    Optional<String> kafka = r.optional(ConfigKey.KAFKA);
    int partitions = r.intAtLeast(ConfigKey.KAFKA_PARTITIONS, 1);
    int replication = r.intAtLeast(ConfigKey.KAFKA_REPLICATION, 1);
    SnapshotSettings snapshot = new SnapshotSettings(r.intAtLeast(ConfigKey.SNAPSHOT_THREADS, 1),
        SnapshotSettings.DEFAULT.chunkRows(), SnapshotSettings.DEFAULT.fetchRows());
    FlushPolicy flush = new FlushPolicy(r.intAtLeast(ConfigKey.FLUSH_EVENTS, 1),
        r.dataSize(ConfigKey.FLUSH_BYTES), r.duration(ConfigKey.FLUSH_AGE));
    RunConfig config = new RunConfig(role, source, name, r.list(ConfigKey.DATABASES), serverId,
        r.duration(ConfigKey.POLL_INTERVAL), r.repository(), kafka, partitions,
        (short) (kafka.isEmpty() ? 1 : replication),
        r.path(ConfigKey.BACKUP_DIR), r.duration(ConfigKey.SNAPSHOT_INTERVAL), snapshot, flush,
        r.dataSize(ConfigKey.MAX_BUFFERED), r.duration(ConfigKey.SESSION_TIMEOUT),
        r.choice(ConfigKey.COMPRESSION, BundleCodec.class), r.masterKey(),
        r.dataSize(ConfigKey.SPOOL_MAX),
        r.intAtLeast(ConfigKey.MAX_FAILURES, 1), r.httpAddress(), Notifier.Settings.read(r),
        drillTarget(r), r.duration(ConfigKey.DRILL_INTERVAL));
    r.check();
    return config;
  }
}
