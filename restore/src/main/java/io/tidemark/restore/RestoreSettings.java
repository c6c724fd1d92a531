package io.tidemark.restore;

import java.util.Objects;

/**
 * Where to restore from and to.
 *
 * @param bucket the S3 bucket of the repository
 * @param prefix the repository prefix inside the bucket
 * @param target the target server, which must be fresh (no user databases)
 * @param batchRows rows per target transaction while loading snapshot rows
 */
public record RestoreSettings(String bucket, String prefix, Target target, int batchRows) {
  public RestoreSettings {
    Objects.requireNonNull(bucket, "bucket");
    Objects.requireNonNull(prefix, "prefix");
    Objects.requireNonNull(target, "target");
  }

  /** A MariaDB/MySQL server; the password never appears in {@link #toString()}. */
  public record Target(String host, int port, String user, String password) {
    public String jdbcUrl() {
      return "jdbc:mariadb://" + host + ":" + port + "/?sslMode=disable&allowLocalInfile=false";
    }

    @Override
    public String toString() {
      return user + "@" + host + ":" + port;
    }
  }
}
