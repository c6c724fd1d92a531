package io.tidemark.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidemark.restore.Restore;
import io.tidemark.restore.RestoreSettings;
import io.tidemark.schemas.BundleCodec;
import io.tidemark.schemas.BundleContent;
import io.tidemark.schemas.BundleFormat;
import io.tidemark.schemas.BundleKeyException;
import io.tidemark.schemas.BundleKeys;
import io.tidemark.schemas.BundleMetadata;
import io.tidemark.schemas.BundleWriter;
import io.tidemark.schemas.Manifests;
import io.tidemark.schemas.MasterKey;
import io.tidemark.schemas.SnapshotKeys;
import io.tidemark.schemas.SourcePosition;
import io.tidemark.schemas.avro.ChangeEvent;
import io.tidemark.schemas.avro.Column;
import io.tidemark.schemas.avro.Operation;
import io.tidemark.schemas.avro.SnapshotManifest;
import io.tidemark.sinks.s3.S3BundleStore;
import io.tidemark.testkit.MariaDbServer;
import io.tidemark.testkit.S3Server;
import io.tidemark.testkit.Services;
import java.io.ByteArrayOutputStream;
import java.security.SecureRandom;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * What restore checks in the bucket before it writes to the target, on real S3 (S3Proxy) and a
 * real target server: a partition whose hash chain misses a bundle, and encrypted bundles without
 * their master key, are refused with the target untouched; with the key, an encrypted archive
 * restores.
 */
class ArchiveIntegrityIT {
  private static final String TOPIC = "itg.changes";
  private static S3Server s3Server;
  private static MariaDbServer target;
  private static S3Client s3;

  @BeforeAll
  static void startServices() {
    s3Server = S3Server.builder().credentials("integrity", "integrity-secret").start();
    target = MariaDbServer.builder().serverId(71).start();
    s3 = S3Clients.forEndpoint(s3Server.endpoint(), s3Server.region(), s3Server.accessKey(),
        s3Server.secretKey());
  }

  @AfterAll
  static void stopServices() {
    Services.closeAll(s3, target, s3Server);
  }

  @Test
  void aMissingMiddleBundleIsRefusedBeforeTheTargetIsTouched() throws Exception {
    String bucket = archive(BundleFormat.of(BundleCodec.ZSTD));
    String middle = BundleKeys.changeBundle("repo", TOPIC, 0, 2, 3);
    s3.deleteObject(b -> b.bucket(bucket).key(middle));

    assertThatThrownBy(() -> new Restore(settings(bucket), s3).run())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("partition " + TOPIC + "/0")
        .hasMessageContaining("ends at offset 1").hasMessageContaining("(offsets 4-4)")
        .hasMessageContaining("Nothing was written");
    assertThat(userDatabases()).isEmpty();
  }

  @Test
  void anEncryptedArchiveNeedsItsKeyAndRestoresWithIt() throws Exception {
    MasterKey key = MasterKey.of(new SecureRandom().generateSeed(32));
    String bucket = archive(new BundleFormat(BundleCodec.SNAPPY, key));
    MasterKey other = MasterKey.of(new SecureRandom().generateSeed(32));

    assertThatThrownBy(() -> new Restore(settings(bucket), s3).run())
        .isInstanceOf(BundleKeyException.class)
        .hasMessageContaining("encrypted with key id " + key.id())
        .hasMessageContaining("TIDEMARK_MASTER_KEY_FILE");
    assertThatThrownBy(() -> new Restore(settings(bucket).withMasterKey(other), s3).run())
        .isInstanceOf(BundleKeyException.class).hasMessageContaining("has id " + other.id());
    assertThat(userDatabases()).as("nothing written without the key").isEmpty();

    Restore.Result done = new Restore(settings(bucket).withMasterKey(key), s3).run();
    assertThat(done.events()).isEqualTo(5);
    assertThat(target.queryValue("SELECT GROUP_CONCAT(v ORDER BY id) FROM itg.t"))
        .isEqualTo("a,b,c");
    target.execute("DROP DATABASE itg");
  }

  /**
   * A bucket with an empty snapshot and, after it, one partition of three chained bundles:
   * offsets 0-1 (CREATE DATABASE, CREATE TABLE), 2-3 and 4 (one insert each offset).
   */
  private static String archive(BundleFormat format) throws Exception {
    String bucket = "integrity-" + UUID.randomUUID().toString().substring(0, 8);
    s3Server.createBucket(bucket);
    S3BundleStore store = new S3BundleStore(s3, bucket);
    String snapshotId = "20261122T000000Z-" + UUID.randomUUID().toString().substring(0, 6);
    store.upload(SnapshotKeys.manifest("repo", snapshotId), Manifests.toJson(new SnapshotManifest(
        snapshotId, position(10).toAvro(), 0L, 0L, List.of(), List.of())));
    List<ChangeEvent> events = List.of(
        ddl(20, "", "CREATE DATABASE itg"),
        ddl(21, "itg", "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10))"),
        insert(22, 1, "a"), insert(23, 2, "b"), insert(24, 3, "c"));
    String previous = "";
    for (int[] range : new int[][] {{0, 1}, {2, 3}, {4, 4}}) {
      BundleWriter<ChangeEvent> w = new BundleWriter<>(BundleContent.CHANGES, TOPIC, 0);
      for (int offset = range[0]; offset <= range[1]; offset++) {
        w.add(offset, events.get(offset));
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      BundleMetadata meta = w.writeTo(out, format, previous);
      store.upload(BundleKeys.changeBundle("repo", TOPIC, 0, range[0], range[1]), out.toByteArray());
      previous = meta.sha256();
    }
    return bucket;
  }

  private static ChangeEvent ddl(long pos, String db, String ddl) {
    return ChangeEvent.newBuilder().setPosition(position(pos).toAvro()).setDatabase(db)
        .setOperation(Operation.DDL).setDdl(ddl).build();
  }

  private static ChangeEvent insert(long pos, long id, String v) {
    List<Column> row = List.of(new Column("id", id), new Column("v", v));
    return ChangeEvent.newBuilder().setPosition(position(pos).toAvro()).setDatabase("itg")
        .setTable("t").setOperation(Operation.INSERT).setTransactionId("tx" + pos)
        .setTransactionOrder(1).setKey(List.of(row.get(0))).setAfter(row).build();
  }

  private static SourcePosition position(long pos) {
    return new SourcePosition(1, "mysql-bin.000001", pos, 0, 0, null, 1_790_000_000_000L + pos, false);
  }

  private static RestoreSettings settings(String bucket) {
    return new RestoreSettings(bucket, "repo", null,
        new RestoreSettings.Target("127.0.0.1", target.port(), "root", ""), 1);
  }

  private static List<String> userDatabases() {
    String names = target.queryValue("SELECT GROUP_CONCAT(schema_name) FROM"
        + " information_schema.schemata WHERE schema_name NOT IN ('information_schema', 'mysql',"
        + " 'performance_schema', 'sys')");
    return names == null ? List.of() : List.of(names.split(","));
  }
}
