package io.tidemark.capture;

import io.tidemark.schemas.TopicNames;
import io.tidemark.testkit.MariaDbServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

/** One test's own database, table and topic names on a shared server, and the captures' settings. */
final class SourceFixture {
  static final String TABLE = "item";

  final MariaDbServer server;
  final String db;
  final TopicNames topics;

  private SourceFixture(MariaDbServer server, String db, TopicNames topics) {
    this.server = server;
    this.db = db;
    this.topics = topics;
  }

  /**
   * A new database with an empty table {@code item(id, v)}. Capture records only the schema when
   * it starts (data snapshots are the Snapshotter's), so rows are inserted once it streams.
   */
  static SourceFixture create(MariaDbServer server, String prefix) {
    String db = server.createDatabase(prefix);
    server.execute("CREATE TABLE " + db + "." + TABLE + " (id BIGINT PRIMARY KEY, v VARCHAR(40))");
    return new SourceFixture(server, db,
        new TopicNames(prefix + UUID.randomUUID().toString().substring(0, 8)));
  }

  /** Inserts rows {@code from..to}, one source transaction each. */
  void insert(long from, long to) {
    try (Connection c = server.connection(db);
        PreparedStatement s = c.prepareStatement("INSERT INTO " + TABLE + " VALUES (?, ?)")) {
      for (long id = from; id <= to; id++) {
        s.setLong(1, id);
        s.setString(2, "row " + id);
        s.executeUpdate();
      }
    } catch (SQLException e) {
      throw new IllegalStateException("insert into " + db + " failed", e);
    }
  }

  CaptureSettings settings(String bootstrapServers) {
    return new CaptureSettings(topics, "127.0.0.1", server.port(), TestSources.USER,
        TestSources.PASSWORD, TestSources.REPLICA_SERVER_ID, List.of(db), bootstrapServers, 2,
        (short) 1, TestSources.POLL_INTERVAL, Duration.ofMillis(200));
  }

  static Set<Long> ids(long from, long to) {
    return LongStream.rangeClosed(from, to).boxed().collect(Collectors.toSet());
  }
}
