package io.tidemark.bench;

import io.tidemark.capture.CaptureSettings;
import io.tidemark.schemas.TopicNames;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/** How to reach the source sandbox, shared by the subcommands. */
final class SourceOptions {
  @Option(names = "--host", defaultValue = "127.0.0.1", description = "source host")
  String host;

  @Option(names = "--port", defaultValue = "33311", description = "source port")
  int port;

  @Option(names = "--user", defaultValue = "bench", description = "source user")
  String user;

  @Option(names = "--password", defaultValue = "benchpw", description = "source password")
  String password;

  @Option(names = "--db", defaultValue = "benchdb", description = "the benchmark database")
  String database;

  @Option(names = "--replica-server-id", defaultValue = "5400",
      description = "capture's binlog client server id; must differ from the source's")
  long replicaServerId;

  Connection connect() throws SQLException {
    return DriverManager.getConnection("jdbc:mariadb://" + host + ":" + port + "/" + database
        + "?sslMode=disable", user, password);
  }

  CaptureSettings capture(String bootstrap, int partitions, Duration poll, Duration heartbeat) {
    return new CaptureSettings(new TopicNames("bench"), host, port, user, password,
        replicaServerId, List.of(database), bootstrap, partitions, (short) 1, poll, heartbeat);
  }
}
