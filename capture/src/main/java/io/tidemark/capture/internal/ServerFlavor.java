package io.tidemark.capture.internal;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The kind of server a capture reads, decided from what the server says about itself, and what
 * differs between the kinds: the Debezium connector and the names of its settings.
 */
public enum ServerFlavor {
  /** MariaDB 10.6 and later: its own GTIDs; the MySQL connector cannot read it (FACTS). */
  MARIADB("io.debezium.connector.mariadb.MariaDbConnector", "disable"),
  /**
   * MySQL 8.0 and later, and its builds (Percona, cloud variants). {@code preferred}: MySQL 8
   * always offers TLS, and its default caching_sha2_password login needs a secure channel
   * unless the server's cache already knows the user.
   */
  MYSQL("io.debezium.connector.mysql.MySqlConnector", "preferred");

  private static final Pattern MAJOR_MINOR = Pattern.compile("^(\\d+)\\.(\\d+)");

  private final String connectorClass;
  private final String sslMode;

  ServerFlavor(String connectorClass, String sslMode) {
    this.connectorClass = connectorClass;
    this.sslMode = sslMode;
  }

  /** The Debezium source connector for this kind of server. */
  public String connectorClass() {
    return connectorClass;
  }

  /** The connector's {@code database.ssl.mode}; each connector spells its modes its own way. */
  public String sslMode() {
    return sslMode;
  }

  /**
   * Decides from {@code SELECT VERSION(), @@version_comment}.
   *
   * @throws IllegalArgumentException for a server Tidemark cannot capture, saying which it is
   */
  public static ServerFlavor of(String version, String versionComment) {
    String v = version == null ? "" : version.trim();
    String comment = versionComment == null ? "" : versionComment;
    boolean mariaDb = (v + " " + comment).toLowerCase(Locale.ROOT).contains("mariadb");
    if (mariaDb && v.startsWith("5.5.5-")) {
      v = v.substring("5.5.5-".length()); // the prefix old MariaDB put before its version
    }
    Matcher m = MAJOR_MINOR.matcher(v);
    if (!m.find()) {
      throw unsupported(version, versionComment, "its version cannot be read");
    }
    int major = Integer.parseInt(m.group(1));
    int minor = Integer.parseInt(m.group(2));
    if (mariaDb) {
      if (major < 10 || (major == 10 && minor < 6)) {
        throw unsupported(version, versionComment, "MariaDB before 10.6");
      }
      return MARIADB;
    }
    if (major < 8) {
      throw unsupported(version, versionComment, "MySQL before 8.0");
    }
    return MYSQL;
  }

  private static IllegalArgumentException unsupported(String version, String comment,
      String why) {
    return new IllegalArgumentException("cannot capture server version '" + version + "' ('"
        + comment + "'): " + why + ". Tidemark captures MySQL 8.0 and later and MariaDB 10.6 and"
        + " later");
  }
}
