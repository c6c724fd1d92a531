package io.tidemark.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tidemark.schemas.TopicNames;
import io.tidemark.schemas.avro.ChangeEvent;
import io.tidemark.schemas.avro.Column;
import io.tidemark.schemas.avro.Operation;
import io.tidemark.testkit.KafkaBroker;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.mysql.MySQLContainer;

/**
 * The MySQL code path: capture finds a MySQL 8.4 server, picks Debezium's MySQL connector and
 * streams a snapshot, an insert, an update and a delete into the in-JVM Kafka broker. The
 * capture user logs in with MySQL's default caching_sha2_password, so the TLS the connector
 * negotiates matters. Runs only in the {@code -Pmysql} build and only where Docker is reachable;
 * elsewhere it is reported as skipped.
 */
@Testcontainers(disabledWithoutDocker = true)
class MySqlCaptureIT {
  private static final String USER = "tidemark";
  private static final String PASSWORD = "capture-pw";

  @Container
  private static final MySQLContainer MYSQL = new MySQLContainer("mysql:8.4")
      .withUsername("root").withPassword("root-pw")
      .withCommand("--gtid-mode=ON", "--enforce-gtid-consistency=ON", "--server-id=1");

  private static KafkaBroker kafka;

  @BeforeAll
  static void startKafka() throws SQLException {
    kafka = KafkaBroker.start();
    execute(null, "CREATE USER '" + USER + "'@'%' IDENTIFIED BY '" + PASSWORD + "'",
        "GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT,"
            + " LOCK TABLES ON *.* TO '" + USER + "'@'%'");
  }

  @AfterAll
  static void stopKafka() {
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void streamsTheSnapshotAnInsertAnUpdateAndADeleteFromMySql84() throws Exception {
    String db = "shop_" + UUID.randomUUID().toString().substring(0, 8);
    execute(null, "CREATE DATABASE " + db,
        "CREATE TABLE " + db + ".item (id BIGINT PRIMARY KEY, v VARCHAR(40))",
        "INSERT INTO " + db + ".item VALUES (1, 'one'), (2, 'two')");
    TopicNames topics = new TopicNames("mysql" + UUID.randomUUID().toString().substring(0, 8));
    CaptureSettings settings = new CaptureSettings(topics, MYSQL.getHost(),
        MYSQL.getMappedPort(MySQLContainer.MYSQL_PORT), USER, PASSWORD, 5401, List.of(db),
        kafka.bootstrapServers(), 2, (short) 1, Duration.ofMillis(50), Duration.ofMillis(200));

    try (Capture capture = Capture.start(settings);
        ChangeTopic topic = ChangeTopic.readCommitted(kafka.bootstrapServers(), topics.changes())) {
      await("the snapshot").atMost(Duration.ofMinutes(2))
          .until(() -> topic.poll().rowIds(db, "item").equals(SourceFixture.ids(1, 2)));
      assertThat(capture.state()).isEqualTo(CaptureState.ACTIVE);

      execute(db, "INSERT INTO item VALUES (3, 'three')",
          "UPDATE item SET v = 'ONE' WHERE id = 1",
          "DELETE FROM item WHERE id = 2");
      await("insert, update and delete").atMost(Duration.ofMinutes(1))
          .until(() -> topic.poll().events(db, "item").size() >= 5);

      List<ChangeEvent> streamed = topic.events(db, "item").stream()
          .filter(e -> e.getOperation() != Operation.SNAPSHOT_ROW).toList();
      assertThat(streamed).extracting(ChangeEvent::getOperation)
          .containsExactlyInAnyOrder(Operation.INSERT, Operation.UPDATE, Operation.DELETE);
      assertThat(streamed).filteredOn(e -> e.getOperation() == Operation.UPDATE).singleElement()
          .satisfies(e -> assertThat(value(e.getAfter(), "v")).isEqualTo("ONE"));
      assertThat(streamed).allSatisfy(e -> assertThat(e.getTransactionId()).isNotBlank());
      await("the restart point carries MySQL GTIDs").atMost(Duration.ofSeconds(30))
          .until(() -> capture.restartPoint().map(p -> p.gtid() != null && p.gtid().contains(":"))
              .orElse(false));
    }
  }

  private static Object value(List<Column> row, String column) {
    return row.stream().filter(c -> c.getName().equals(column)).findFirst().orElseThrow()
        .getValue();
  }

  private static void execute(String db, String... sql) throws SQLException {
    // TLS: MySQL 8.4 logs caching_sha2_password users in over plain TCP only once cached.
    String url = "jdbc:mysql://" + MYSQL.getHost() + ":"
        + MYSQL.getMappedPort(MySQLContainer.MYSQL_PORT) + "/" + (db == null ? "" : db)
        + "?sslMode=PREFERRED";
    try (Connection c = DriverManager.getConnection(url, "root", "root-pw");
        Statement s = c.createStatement()) {
      for (String one : sql) {
        s.execute(one);
      }
    }
  }
}
