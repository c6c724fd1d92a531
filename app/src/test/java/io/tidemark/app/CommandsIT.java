package io.tidemark.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidemark.testkit.JavaProcess;
import io.tidemark.testkit.KafkaBroker;
import io.tidemark.testkit.MariaDbServer;
import io.tidemark.testkit.S3Server;
import io.tidemark.testkit.Services;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command through its real entry point, a child JVM running {@code Tidemark.main} with
 * flags and environment as an operator gives them, against a real broker, S3 API and MariaDB.
 */
class CommandsIT {
  private static final String CAPTURE_PW = "commands-capture-pw";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static KafkaBroker kafka;
  private static S3Server s3Server;
  private static MariaDbServer source;

  @BeforeAll
  static void startServices() {
    kafka = KafkaBroker.start();
    s3Server = S3Server.builder().credentials("commands-key", "commands-secret").start();
    source = MariaDbServer.builder().serverId(1).start();
    source.createCaptureUser("tidemark", CAPTURE_PW);
  }

  @AfterAll
  static void stopServices() {
    Services.closeAll(source, s3Server, kafka);
  }

  @TempDir Path work;


  private TidemarkCli s3Cli(String bucket) {
    return TidemarkCli.forRepository(s3Server, bucket);
  }

  @Test
  void badConfigurationIsReportedAtOnceWithExitCode2() throws Exception {
    Path yaml = Files.writeString(work.resolve("tidemark.yaml"),
        "repository: ftp://somewhere/x\nsink:\n  flush-age: soon\n");
    TidemarkCli.Result r = new TidemarkCli().env("TIDEMARK_SNAPSHOT_THREADS", "none")
        .run("run", "-c", yaml.toString());
    assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("4 problems")
        .contains("source.url (TIDEMARK_SOURCE) is not set")
        .contains("repository (S3_BUCKET) is 'ftp://somewhere/x'")
        .contains("sink.flush-age (TIDEMARK_FLUSH_AGE) is 'soon'")
        .contains("snapshot.threads (TIDEMARK_SNAPSHOT_THREADS) is 'none'")
        .doesNotContain("Exception");
  }

  @Test
  void aWrongPasswordFailsWithTheFixAndNeverShowsThePassword() throws Exception {
    TidemarkCli.Result r = new TidemarkCli().env("TIDEMARK_SOURCE", "mysql://tidemark@127.0.0.1:" + source.port())
        .env("TIDEMARK_SOURCE_PASSWORD", "not-the-password-42")
        .env("S3_BUCKET", work.resolve("repo").toUri().toString())
        .run("run", "--http", "off");
    assertThat(r.code()).isEqualTo(ExitCodes.FAILURE);
    assertThat(r.err()).contains("cannot log in to the source as tidemark@127.0.0.1")
        .contains("TIDEMARK_SOURCE_PASSWORD");
    assertThat(r.out() + r.err()).doesNotContain("not-the-password-42");
  }

  @Test
  void aMissingGrantIsNamedWithTheStatementThatFixesIt() throws Exception {
    source.execute("CREATE USER IF NOT EXISTS 'reader'@'%' IDENTIFIED BY 'reader-pw'",
        "GRANT SELECT, RELOAD, SHOW DATABASES, LOCK TABLES ON *.* TO 'reader'@'%'");
    TidemarkCli.Result r = new TidemarkCli().env("TIDEMARK_SOURCE", "mysql://reader@127.0.0.1:" + source.port())
        .env("TIDEMARK_SOURCE_PASSWORD", "reader-pw")
        .env("S3_BUCKET", work.resolve("repo").toUri().toString())
        .run("run", "--http", "off");
    assertThat(r.code()).isEqualTo(ExitCodes.FAILURE);
    assertThat(r.err()).contains("is not ready for capture")
        .contains("lacks the grant REPLICATION SLAVE ON *.*")
        .contains("GRANT BINLOG MONITOR ON *.* TO 'reader'@'%'")
        .doesNotContain("lacks the grant SELECT");
  }

  @Test
  void unreachableS3OrKafkaFailsNamingWhatToCheck() throws Exception {
    TidemarkCli.Result s3Down = new TidemarkCli().env("S3_BUCKET", "s3://nowhere/x")
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:" + freePort())
        .env("AWS_REGION", "us-east-1").env("AWS_ACCESS_KEY_ID", "k")
        .env("AWS_SECRET_ACCESS_KEY", "never-printed-secret")
        .run("list");
    assertThat(s3Down.code()).isEqualTo(ExitCodes.FAILURE);
    assertThat(s3Down.err()).contains("cannot reach repository s3://nowhere/x")
        .contains("AWS_ENDPOINT_URL").doesNotContain("never-printed-secret");

    TidemarkCli.Result kafkaDown = new TidemarkCli()
        .env("TIDEMARK_SOURCE", "mysql://tidemark@127.0.0.1:" + source.port())
        .env("TIDEMARK_SOURCE_PASSWORD", CAPTURE_PW)
        .env("S3_BUCKET", work.resolve("repo").toUri().toString())
        .env("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + freePort())
        .run("run", "--http", "off");
    assertThat(kafkaDown.code()).isEqualTo(ExitCodes.FAILURE);
    assertThat(kafkaDown.err()).contains("cannot reach Kafka at 127.0.0.1:")
        .contains("KAFKA_BOOTSTRAP_SERVERS");
  }

  @Test
  void listOfAnEmptyLocalRepositoryHasTheDocumentedJsonShape() throws Exception {
    TidemarkCli.Result r = new TidemarkCli().env("S3_BUCKET", work.resolve("empty").toUri().toString())
        .run("list", "--json");
    assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.OK);
    JsonNode json = StatusApi.JSON.readTree(r.out());
    assertThat(json.path("snapshots").isArray()).isTrue();
    assertThat(json.path("snapshots")).isEmpty();
    assertThat(json.path("recoverable").has("from_time")).isTrue();
    assertThat(json.path("recoverable").has("until_time")).isTrue();
    assertThat(json.path("recoverable").has("until_gtid")).isTrue();
  }

  @Test
  void runSnapshotStatusListRestoreAndVerifyBackUpAndRestoreASource() throws Exception {
    String db = source.createDatabase("cli");
    source.execute("CREATE TABLE " + db + ".t (id INT PRIMARY KEY, v VARCHAR(20))",
        "INSERT INTO " + db + ".t VALUES (1, 'before run'), (2, 'two')");
    String bucket = "cli-" + UUID.randomUUID().toString().substring(0, 8);
    s3Server.createBucket(bucket);
    int port = freePort();
    TidemarkCli cli = s3Cli(bucket).env("TIDEMARK_HTTP", "127.0.0.1:" + port)
        .env("TIDEMARK_SOURCE", "mysql://tidemark@127.0.0.1:" + source.port())
        .env("TIDEMARK_SOURCE_PASSWORD", CAPTURE_PW)
        .env("TIDEMARK_SOURCE_NAME", "cli" + UUID.randomUUID().toString().substring(0, 6))
        .env("TIDEMARK_DATABASES", db)
        .env("TIDEMARK_KAFKA_PARTITIONS", "1").env("TIDEMARK_KAFKA_REPLICATION_FACTOR", "1")
        .env("TIDEMARK_FLUSH_AGE", "500ms")
        .env("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers())
        .env("MYSQL_BACKUP_DIR", work.resolve("state").toString());
    URI api = URI.create("http://127.0.0.1:" + port);
    try (MariaDbServer scratch = MariaDbServer.builder().serverId(3).start();
        JavaProcess run = cli.env("TIDEMARK_DRILL_TARGET", "mysql://root@127.0.0.1:"
            + scratch.port()).env("TIDEMARK_DRILL_PASSWORD", "")
            .env("TIDEMARK_DRILL_INTERVAL", "10s").start("run")) {
      run.awaitOutput("status on http://127.0.0.1:" + port, Duration.ofMinutes(2));
      // No snapshot in the repository yet: run takes the first one at once.
      await().atMost(2, TimeUnit.MINUTES).until(() -> snapshots(api) == 1);

      source.execute("INSERT INTO " + db + ".t VALUES (3, 'after first snapshot')");
      TidemarkCli.Result snapshot = cli.run("snapshot");
      assertThat(snapshot.code()).as(snapshot.err()).isEqualTo(ExitCodes.OK);
      assertThat(snapshot.out()).contains("is in the repository");
      assertThat(snapshots(api)).isEqualTo(2);

      source.execute("UPDATE " + db + ".t SET v = 'changed' WHERE id = 2",
          "DELETE FROM " + db + ".t WHERE id = 1", "INSERT INTO " + db + ".t VALUES (4, 'last')");
      String gtid = source.queryValue("SELECT @@gtid_binlog_pos");
      await().atMost(2, TimeUnit.MINUTES).until(() -> gtid.equals(
          get(api, "/status").path("recoverable").path("until_gtid").asText()));

      // every change is durable, so the sink group's lag (read every few seconds) reaches 0
      await().atMost(1, TimeUnit.MINUTES)
          .until(() -> get(api, "/status").path("sink_lag_events").asLong() == 0);
      assertThat(metrics(api)).containsPattern("\\ntidemark_sink_lag_events(\\{[^}]*\\})? 0");

      TidemarkCli.Result status = cli.run("status", "--json");
      assertThat(status.code()).as(status.err()).isEqualTo(ExitCodes.OK);
      JsonNode s = StatusApi.JSON.readTree(status.out());
      assertThat(s.path("mode").asText()).isEqualTo("active");
      assertThat(s.path("sink").path("bundlesUploaded").asLong()).isPositive();
      assertThat(metrics(api)).contains("tidemark_bundles_uploaded_total")
          .containsPattern("tidemark_capture_active(\\{[^}]*\\})? 1");

      // A restore drill restored the latest backup into the scratch server and timed it.
      await().atMost(2, TimeUnit.MINUTES).until(() -> metrics(api)
          .matches("(?s).*\\ntidemark_drill_last_success_timestamp_seconds [1-9].*"));
      assertThat(metrics(api)).containsPattern("\\ntidemark_drill_rto_seconds [0-9.]+")
          .containsPattern("\\ntidemark_drill_failures_total 0");
      assertThat(scratch.queryValue("SELECT COUNT(*) FROM " + db + ".t")).isNotNull();

      assertThat(run.stop(Duration.ofMinutes(2))).as("SIGTERM is an ordered stop, exit 0")
          .isEqualTo(ExitCodes.OK);
    }

    TidemarkCli.Result list = cli.run("list", "--json");
    assertThat(list.code()).as(list.err()).isEqualTo(ExitCodes.OK);
    JsonNode archive = StatusApi.JSON.readTree(list.out());
    assertThat(archive.path("snapshots")).hasSize(2);
    assertThat(archive.path("snapshots").get(0).path("rows").asLong()).isEqualTo(2);
    assertThat(archive.path("recoverable").path("until_gtid").asText())
        .isEqualTo(source.queryValue("SELECT @@gtid_binlog_pos"));

    String first = archive.path("snapshots").get(0).path("id").asText();
    TidemarkCli.Result dryRun = cli.run("prune", "--keep-max", "1");
    assertThat(dryRun.code()).as(dryRun.err()).isEqualTo(ExitCodes.OK);
    assertThat(dryRun.out()).contains("would delete snapshot " + first)
        .contains("dry run: nothing was deleted");
    assertThat(StatusApi.JSON.readTree(cli.run("list", "--json").out()).path("snapshots"))
        .hasSize(2);
    TidemarkCli.Result prune = cli.run("prune", "--keep-max", "1", "--yes");
    assertThat(prune.code()).as(prune.err()).isEqualTo(ExitCodes.OK);
    assertThat(prune.out()).contains("pruned 1 snapshots");
    assertThat(StatusApi.JSON.readTree(cli.run("list", "--json").out()).path("snapshots"))
        .hasSize(1);

    // The restore below starts from the kept snapshot and the change bundles prune left.
    try (MariaDbServer target = MariaDbServer.builder().serverId(2).start()) {
      TidemarkCli toTarget = cli.env("TIDEMARK_TARGET_PASSWORD", "");
      String targetUrl = "mysql://root@127.0.0.1:" + target.port();
      TidemarkCli.Result restore = toTarget.run("restore", "--target", targetUrl, "--threads", "2");
      assertThat(restore.code()).as(restore.out() + restore.err()).isEqualTo(ExitCodes.OK);
      assertThat(restore.out()).contains("checksums match its manifest");
      assertThat(restore.err()).contains("done: 3 rows loaded, 3 events in 3 transactions");

      TidemarkCli.Result verify = toTarget.run("verify", "--target", targetUrl);
      assertThat(verify.code()).as(verify.err()).isEqualTo(ExitCodes.OK);
      assertThat(verify.out()).contains("verified: the target equals the source");

      target.execute("UPDATE " + db + ".t SET v = 'tampered' WHERE id = 4");
      TidemarkCli.Result mismatch = toTarget.run("verify", "--target", targetUrl);
      assertThat(mismatch.code()).isEqualTo(ExitCodes.MISMATCH);
      assertThat(mismatch.out()).contains(db + ".t").contains("MISMATCH");
    }
  }

  @Test
  void aSinkOnlyProcessJoinsWithoutASourceAndStopsInOrder() throws Exception {
    String bucket = "sink-" + UUID.randomUUID().toString().substring(0, 8);
    s3Server.createBucket(bucket);
    int port = freePort();
    URI api = URI.create("http://127.0.0.1:" + port);
    TidemarkCli cli = s3Cli(bucket).env("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers())
        .env("TIDEMARK_KAFKA_REPLICATION_FACTOR", "1")
        .env("TIDEMARK_SOURCE_NAME", "sinkonly" + UUID.randomUUID().toString().substring(0, 6))
        .env("MYSQL_BACKUP_DIR", work.resolve("sink-state").toString());
    try (JavaProcess sinkOnly = cli.with("TIDEMARK_HTTP", "127.0.0.1:" + port)
        .start("run", "--role", "sink")) {
      sinkOnly.awaitOutput("status on http://127.0.0.1:" + port, Duration.ofMinutes(2));
      JsonNode status = get(api, "/status");
      assertThat(status.path("role").asText()).isEqualTo("sink");
      assertThat(status.path("mode").asText()).isEqualTo("sink");

      TidemarkCli.Result second = cli.with("TIDEMARK_HTTP", "off").run("run", "--role", "sink");
      assertThat(second.code()).as("a second process on the same spool")
          .isEqualTo(ExitCodes.FAILURE);
      assertThat(second.err()).contains("belongs to another running tidemark process")
          .contains("MYSQL_BACKUP_DIR");
      assertThat(sinkOnly.stop(Duration.ofMinutes(1))).isEqualTo(ExitCodes.OK);
    }
  }

  @Test
  void demoRunsEndToEndWithoutConfiguration() throws Exception {
    TidemarkCli.Result r = new TidemarkCli().run("demo", "--transactions", "100");
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(ExitCodes.OK);
    assertThat(r.out()).contains("verified: the restored database equals the source");
  }

  @Test
  void everyCommandDescribesItselfAndBadUsageIsExit2() throws Exception {
    for (String command : new String[] {"run", "snapshot", "list", "restore", "verify", "status",
        "prune", "demo"}) {
      TidemarkCli.Result help = new TidemarkCli().run(command, "--help");
      assertThat(help.code()).isEqualTo(ExitCodes.OK);
      assertThat(help.out()).contains("Usage: tidemark " + command);
    }
    TidemarkCli.Result bad = new TidemarkCli().run("restore", "--threads", "many");
    assertThat(bad.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(bad.err()).contains("--threads");
  }

  private static int snapshots(URI api) throws Exception {
    return get(api, "/backups").path("snapshots").size();
  }

  private static JsonNode get(URI api, String path) throws Exception {
    return StatusApi.JSON.readTree(body(api, path));
  }

  private static String metrics(URI api) throws Exception {
    return body(api, "/metrics");
  }

  private static String body(URI api, String path) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(api.resolve(path)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
    return r.body();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
