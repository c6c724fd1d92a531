package io.tidemark.capture.internal;

import io.tidemark.capture.CaptureSettings;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * Asks the source server what it is before capture starts reading it. Uses MySQL's driver,
 * which reaches both kinds: with {@code sslMode=PREFERRED} it uses TLS where the server offers
 * it (MySQL 8 does; MySQL's default login needs it) and plain TCP where it does not.
 */
public final class ServerProbe {
  private static final int TIMEOUT_MS = 30_000;

  private ServerProbe() {}

  /**
   * Connects as the capture user and decides the {@link ServerFlavor}.
   *
   * @throws IllegalStateException if the server cannot be reached or is of an unsupported kind
   */
  public static ServerFlavor flavorOf(CaptureSettings s) {
    String url = "jdbc:mysql://" + s.host() + ":" + s.port() + "/?sslMode=PREFERRED"
        + "&connectTimeout=" + TIMEOUT_MS + "&socketTimeout=" + TIMEOUT_MS;
    Properties login = new Properties();
    login.setProperty("user", s.user());
    login.setProperty("password", s.password());
    try (Connection c = new com.mysql.cj.jdbc.Driver().connect(url, login);
        Statement st = c.createStatement();
        ResultSet r = st.executeQuery("SELECT VERSION(), @@version_comment")) {
      r.next();
      return ServerFlavor.of(r.getString(1), r.getString(2));
    } catch (SQLException e) {
      throw new IllegalStateException("cannot ask the source " + s.user() + "@" + s.host() + ":"
          + s.port() + " for its version: " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("source " + s.host() + ":" + s.port() + ": "
          + e.getMessage(), e);
    }
  }
}
