package io.tidemark.app;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Random;

/**
 * The demo's sample shop: customers, orders (DECIMAL, DATETIME(6), TIMESTAMP, JSON, BLOB) and an
 * event log without a primary key, plus a seeded write load of inserts, updates and deletes.
 */
final class SampleData {
  private final String db;
  private final Random random;

  SampleData(String db, long seed) {
    this.db = db;
    this.random = new Random(seed);
  }

  void create(Connection c, int customers) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + db + " CHARACTER SET utf8mb4");
      s.execute("CREATE TABLE " + db + ".customer (id INT PRIMARY KEY, name VARCHAR(80) NOT NULL,"
          + " email VARCHAR(120) UNIQUE, balance DECIMAL(14,2) NOT NULL, joined DATETIME(6))");
      s.execute("CREATE TABLE " + db + ".orders (id BIGINT AUTO_INCREMENT PRIMARY KEY,"
          + " customer_id INT NOT NULL, total DECIMAL(12,4) NOT NULL, placed TIMESTAMP(3) NOT NULL,"
          + " note JSON, receipt BLOB, KEY (customer_id))");
      s.execute("CREATE TABLE " + db + ".event_log (at DATETIME(6), kind VARCHAR(20), detail TEXT)");
    }
    c.setAutoCommit(false);
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + db + ".customer VALUES"
        + " (?, ?, ?, ?, NOW(6) - INTERVAL ? SECOND)")) {
      for (int id = 1; id <= customers; id++) {
        ps.setInt(1, id);
        ps.setString(2, "Customer №" + id);
        ps.setString(3, "c" + id + "@example.test");
        ps.setString(4, (random.nextInt(2_000_000) - 1_000_000) / 100 + "." + random.nextInt(10) + "5");
        ps.setInt(5, random.nextInt(10_000_000));
        ps.addBatch();
      }
      ps.executeBatch();
    }
    c.commit();
    c.setAutoCommit(true);
  }

  /** {@code transactions} small transactions of mixed changes against the sample tables. */
  void writeLoad(Connection c, int transactions, int customers) throws SQLException {
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      for (int i = 0; i < transactions; i++) {
        int customer = 1 + random.nextInt(customers);
        switch (random.nextInt(4)) {
          case 0 -> s.execute("INSERT INTO " + db + ".orders (customer_id, total, placed, note, receipt)"
              + " VALUES (" + customer + ", " + random.nextInt(100_000) + ".1234, NOW(3),"
              + " JSON_OBJECT('n', " + i + "), UNHEX(SHA2('" + i + "', 256)))");
          case 1 -> s.execute("UPDATE " + db + ".customer SET balance = balance + 1.25 WHERE id = "
              + customer);
          case 2 -> s.execute("DELETE FROM " + db + ".orders WHERE customer_id = " + customer
              + " ORDER BY id LIMIT 1");
          default -> s.execute("INSERT INTO " + db + ".event_log VALUES (NOW(6), 'visit', 'customer "
              + customer + "')");
        }
        c.commit();
      }
    }
    c.setAutoCommit(true);
  }
}
