package io.tidemark.capture.internal;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * What capture needs from the source, checked before it starts: the login works, the capture
 * user holds every grant of {@link #GRANTS} on {@code *.*}, and the binlog is on, in ROW format
 * with full row images.
 */
public final class SourceRequirements {
  /** The least privileges capture and snapshots need, each with what it is for. */
  public static final List<Grant> GRANTS = List.of(
      new Grant("SELECT", null, "read tables in snapshots"),
      new Grant("RELOAD", null, "BACKUP STAGE / FLUSH TABLES WITH READ LOCK for a consistent snapshot"),
      new Grant("SHOW DATABASES", null, "find the databases to back up"),
      new Grant("REPLICATION SLAVE", "REPLICATION REPLICA", "read the binlog"),
      new Grant("BINLOG MONITOR", "REPLICATION CLIENT", "SHOW MASTER STATUS, SHOW BINARY LOGS"),
      new Grant("LOCK TABLES", null, "lock tables on servers without backup stages"));

  /** A privilege, its other name on some servers, and why capture needs it. */
  public record Grant(String name, String alias, String purpose) {
    boolean heldIn(String grants) {
      return grants.contains(name) || alias != null && grants.contains(alias);
    }
  }

  private SourceRequirements() {}

  /**
   * @return every unmet requirement, each with its fix; empty when capture can start
   * @throws IllegalStateException when the source cannot be reached or refuses the login
   */
  public static List<String> unmet(String host, int port, String user, String password) {
    String url = "jdbc:mysql://" + host + ":" + port + "/?sslMode=PREFERRED"
        + "&connectTimeout=10000";
    Properties login = new Properties();
    login.setProperty("user", user);
    login.setProperty("password", password);
    try (Connection c = new com.mysql.cj.jdbc.Driver().connect(url, login);
        Statement st = c.createStatement()) {
      List<String> unmet = new ArrayList<>(missingGrants(user, st));
      unmet.addAll(binlogProblems(st));
      return unmet;
    } catch (SQLException e) {
      String fix = e.getErrorCode() == 1045
          ? "check the user and its password (TIDEMARK_SOURCE_PASSWORD or the defaults file)"
          : "check that the server runs and TIDEMARK_SOURCE names its host and port";
      throw new IllegalStateException("cannot log in to the source as " + user + "@" + host
          + ":" + port + ": " + e.getMessage() + " (" + fix + ")", e);
    }
  }

  private static List<String> missingGrants(String user, Statement st) throws SQLException {
    StringBuilder grants = new StringBuilder();
    try (ResultSet r = st.executeQuery("SHOW GRANTS FOR CURRENT_USER()")) {
      while (r.next()) {
        String g = r.getString(1).toUpperCase(Locale.ROOT);
        if (g.contains(" ON *.* ")) {
          grants.append(g).append('\n');
        }
      }
    }
    if (grants.toString().contains("ALL PRIVILEGES")) {
      return List.of();
    }
    List<String> missing = new ArrayList<>();
    for (Grant g : GRANTS) {
      if (!g.heldIn(grants.toString())) {
        missing.add("the capture user " + user + " lacks the grant " + g.name() + " ON *.* (to "
            + g.purpose() + "): GRANT " + g.name() + " ON *.* TO '" + user + "'@'%'");
      }
    }
    return missing;
  }

  private static List<String> binlogProblems(Statement st) throws SQLException {
    List<String> problems = new ArrayList<>();
    try (ResultSet r = st.executeQuery(
        "SELECT @@log_bin, @@binlog_format, @@binlog_row_image")) {
      r.next();
      if (!r.getBoolean(1)) {
        problems.add("the source writes no binlog: start it with log_bin (and binlog_format=ROW)");
      }
      if (!"ROW".equalsIgnoreCase(r.getString(2))) {
        problems.add("the source's binlog_format is " + r.getString(2)
            + ": set binlog_format=ROW (SET GLOBAL and in the server's configuration)");
      }
      if (!"FULL".equalsIgnoreCase(r.getString(3))) {
        problems.add("the source's binlog_row_image is " + r.getString(3)
            + ": set binlog_row_image=FULL so every event carries whole rows");
      }
    }
    return problems;
  }
}
