package io.tidemark.restore.internal;

import io.tidemark.testkit.MariaDbServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real MariaDB server for a test class's restore writes, started before its tests and
 * stopped after them, with a fresh database for each test.
 */
final class TargetServer implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {
  private final String databasePrefix;
  private MariaDbServer server;
  private String database;

  TargetServer(String databasePrefix) {
    this.databasePrefix = databasePrefix;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    server = MariaDbServer.builder().start();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    database = server.createDatabase(databasePrefix);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (server != null) { // null when it did not start: its own error says why
      server.close();
    }
  }

  MariaDbServer server() {
    return server;
  }

  /** The current test's database. */
  String database() {
    return database;
  }

  /** A root connection with the driver options given ({@code &name=value...}). */
  Connection connect(String options) throws SQLException {
    return DriverManager.getConnection(server.jdbcUrl(null) + options, MariaDbServer.ROOT_USER,
        "");
  }
}
