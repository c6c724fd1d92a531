package io.tidemark.app.config;

/**
 * A MySQL-family server and the credentials to reach it. The password never appears in
 * {@link #toString()}.
 */
public record ServerAddress(String host, int port, String user, String password) {
  @Override
  public String toString() {
    return user + "@" + host + ":" + port;
  }
}
