package io.tidemark.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.capture.CaptureSettings;
import io.tidemark.restore.BundleCatalog;
import io.tidemark.restore.Restore;
import io.tidemark.restore.RestoreSettings;
import io.tidemark.restore.TableChecksums;
import io.tidemark.schemas.GtidSet;
import io.tidemark.schemas.SourcePosition;
import io.tidemark.schemas.TopicNames;
import io.tidemark.sinks.SinkSettings;
import io.tidemark.testkit.KafkaBroker;
import io.tidemark.testkit.MariaDbServer;
import io.tidemark.testkit.S3Server;
import io.tidemark.testkit.Services;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * The services an archive integration test runs against, started once per test class and
 * stopped after it: a Kafka broker, an S3 server with its client, a source MariaDB and, if asked
 * for, a fresh target MariaDB to restore into. Register it on a static field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final ArchiveServices services =
 *     ArchiveServices.withCredentials("key", "secret").source(11).target(12);
 * }</pre>
 *
 * <p>Its callbacks run before the class's own {@code @BeforeAll} methods and after its
 * {@code @AfterAll} methods, so those may use the services.
 */
final class ArchiveServices implements BeforeAllCallback, AfterAllCallback {
  /** The capture user {@link #captureUser()} creates and {@link #capture} connects as. */
  static final String CAPTURE_USER = "tidemark";
  static final String CAPTURE_PASSWORD = "capture-pw";

  private final String accessKey;
  private final String secretKey;
  private int sourceId = 1;
  private String timeZone;
  private long maxAllowedPacket;
  private int targetId;
  private boolean captureUser;

  private KafkaBroker kafka;
  private S3Server s3Server;
  private MariaDbServer source;
  private MariaDbServer target;
  private S3Client s3;

  private ArchiveServices(String accessKey, String secretKey) {
    this.accessKey = accessKey;
    this.secretKey = secretKey;
  }

  /** Services whose S3 server accepts these credentials. */
  static ArchiveServices withCredentials(String accessKey, String secretKey) {
    return new ArchiveServices(accessKey, secretKey);
  }

  /** The source server's {@code server_id} (default 1). */
  ArchiveServices source(int serverId) {
    this.sourceId = serverId;
    return this;
  }

  /** The source server's {@code --default-time-zone} (default: the system's). */
  ArchiveServices timeZone(String zone) {
    this.timeZone = zone;
    return this;
  }

  /** The source server's {@code max_allowed_packet} (default: the server's own). */
  ArchiveServices maxAllowedPacket(long bytes) {
    this.maxAllowedPacket = bytes;
    return this;
  }

  /** Also starts a fresh target server with this {@code server_id} (default: none). */
  ArchiveServices target(int serverId) {
    this.targetId = serverId;
    return this;
  }

  /** Creates {@link #CAPTURE_USER} on the source once it runs (default: not). */
  ArchiveServices captureUser() {
    this.captureUser = true;
    return this;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    kafka = KafkaBroker.start();
    s3Server = S3Server.builder().credentials(accessKey, secretKey).start();
    MariaDbServer.Builder sourceBuilder = MariaDbServer.builder().serverId(sourceId);
    if (timeZone != null) {
      sourceBuilder.timeZone(timeZone);
    }
    if (maxAllowedPacket > 0) {
      sourceBuilder.maxAllowedPacket(maxAllowedPacket);
    }
    source = sourceBuilder.start();
    if (targetId > 0) {
      target = MariaDbServer.builder().serverId(targetId).start();
    }
    if (captureUser) {
      source.createCaptureUser(CAPTURE_USER, CAPTURE_PASSWORD);
    }
    s3 = S3Clients.forEndpoint(s3Server.endpoint(), s3Server.region(), s3Server.accessKey(),
        s3Server.secretKey());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    Services.closeAll(s3, target, source, s3Server, kafka);
  }

  KafkaBroker kafka() {
    return kafka;
  }

  S3Server s3Server() {
    return s3Server;
  }

  MariaDbServer source() {
    return source;
  }

  /** The fresh target server; only if {@link #target(int)} asked for one. */
  MariaDbServer target() {
    if (target == null) {
      throw new IllegalStateException("no target server: configure one with target(serverId)");
    }
    return target;
  }

  S3Client s3() {
    return s3;
  }

  /** Creates a bucket named {@code prefix-} and 8 random characters, and returns its name. */
  String freshBucket(String prefix) {
    String bucket = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    s3Server.createBucket(bucket);
    return bucket;
  }

  /** Topic names of a source named {@code prefix} and 6 random characters. */
  static TopicNames freshTopics(String prefix) {
    return new TopicNames(prefix + UUID.randomUUID().toString().substring(0, 6));
  }

  /**
   * The {@code tidemark run} command line an operator would use for {@code db} on the source as
   * {@link #CAPTURE_USER}, archiving into {@code s3://bucket/prod}: a fresh source name, the
   * change topic with {@code partitions} partitions on the broker, no status API, its state (and
   * spool) under {@code stateDir}.
   */
  TidemarkCli runCommand(String bucket, String db, int partitions, Path stateDir) {
    return TidemarkCli.forRepository(s3Server, bucket)
        .env("TIDEMARK_SOURCE", "mysql://" + CAPTURE_USER + "@127.0.0.1:" + source.port())
        .env("TIDEMARK_SOURCE_PASSWORD", CAPTURE_PASSWORD)
        .env("TIDEMARK_SOURCE_NAME", freshTopics(bucket).source())
        .env("TIDEMARK_DATABASES", db)
        .env("TIDEMARK_KAFKA_PARTITIONS", Integer.toString(partitions))
        .env("TIDEMARK_KAFKA_REPLICATION_FACTOR", "1").env("TIDEMARK_HTTP", "off")
        .env("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers())
        .env("MYSQL_BACKUP_DIR", stateDir.toString());
  }

  /**
   * Capture of {@code db} on the source as {@link #CAPTURE_USER}, into {@code topics} with
   * {@code partitions} partitions, polling every 50 ms with a heartbeat every 200 ms.
   */
  CaptureSettings capture(TopicNames topics, long replicaServerId, String db, int partitions) {
    return capture(topics, CAPTURE_USER, replicaServerId, db, partitions);
  }

  /** The same as {@link #capture(TopicNames, long, String, int)}, as {@code user}. */
  CaptureSettings capture(TopicNames topics, String user, long replicaServerId, String db,
      int partitions) {
    return new CaptureSettings(topics, "127.0.0.1", source.port(), user, CAPTURE_PASSWORD,
        replicaServerId, List.of(db), kafka.bootstrapServers(), partitions, (short) 1,
        Duration.ofMillis(50), Duration.ofMillis(200));
  }

  /** The sink's defaults for {@code topics}, into repository {@code repo} of {@code bucket}. */
  SinkSettings sink(TopicNames topics, String bucket) {
    return SinkSettings.defaults(topics, kafka.bootstrapServers(), bucket, "repo");
  }

  /** Restores repository {@code repo} of {@code bucket} into {@code server}, as root, 2 threads. */
  Restore.Result restore(String bucket, MariaDbServer server)
      throws SQLException, InterruptedException {
    return restore(bucket, server, UnaryOperator.identity());
  }

  /** A restore of repository {@code repo} into {@code server}, its settings adjusted. */
  Restore.Result restore(String bucket, MariaDbServer server,
      UnaryOperator<RestoreSettings> adjust) throws SQLException, InterruptedException {
    return new Restore(adjust.apply(new RestoreSettings(bucket, "repo", null,
        new RestoreSettings.Target("127.0.0.1", server.port(), "root", ""), 2)), s3).run();
  }

  /**
   * Whether each of the {@code partitions} partitions of repository {@code repo} in
   * {@code bucket} reaches past every transaction of {@code gtids}. S3Proxy's store does not
   * replace an object atomically: a watermark a look listed was once read back as missing while
   * the sink replaced it (S3 itself replaces atomically), so such a look answers "not yet".
   */
  boolean archiveReaches(String bucket, String repo, int partitions, GtidSet gtids) {
    List<SourcePosition> reach;
    try {
      reach = BundleCatalog.read(s3, bucket, repo).newestPositions(s3);
    } catch (NoSuchKeyException e) {
      return false;
    }
    return reach.size() == partitions && reach.stream().min(Comparator.naturalOrder())
        .map(p -> p.gtid() != null && GtidSet.parse(p.gtid()).covers(gtids)).orElse(false);
  }

  /** Asserts that {@code db} has the same CHECKSUM TABLE values on {@code server} as on source. */
  void assertSameChecksums(MariaDbServer server, String db) throws SQLException {
    try (Connection s = source.connection(); Connection t = server.connection()) {
      assertThat(TableChecksums.of(t, List.of(db))).isEqualTo(TableChecksums.of(s, List.of(db)));
    }
  }
}
