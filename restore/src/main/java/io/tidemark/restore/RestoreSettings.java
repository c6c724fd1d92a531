package io.tidemark.restore;

import io.tidemark.schemas.MasterKey;
import java.util.Objects;

/**
 * Where to restore from and to.
 *
 * @param bucket the S3 bucket of the repository
 * @param prefix the repository prefix inside the bucket
 * @param snapshotId the snapshot to start from; null for the latest
 * @param target the target server, which must be fresh (no user databases)
 * @param threads connections loading snapshot chunks in parallel
 * @param until where replay stops
 * @param resume continue the interrupted restore the target's checkpoint describes
 * @param masterKey decrypts encrypted bundles; null when none is configured (the app maps
 *     {@code TIDEMARK_MASTER_KEY_FILE} / {@code TIDEMARK_MASTER_KEY} to it through
 *     {@link MasterKey#load})
 * @param loadData load snapshot rows with LOAD DATA LOCAL INFILE when the target accepts it
 *     (the default); false: multi-row INSERTs always
 */
public record RestoreSettings(String bucket, String prefix, String snapshotId, Target target,
    int threads, Until until, boolean resume, MasterKey masterKey, boolean loadData) {
  public RestoreSettings {
    Objects.requireNonNull(bucket, "bucket");
    Objects.requireNonNull(prefix, "prefix");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(until, "until");
    if (threads < 1) {
      throw new IllegalArgumentException("restore threads must be at least 1, not " + threads);
    }
  }

  /** Settings that load with LOAD DATA where the target accepts it. */
  public RestoreSettings(String bucket, String prefix, String snapshotId, Target target,
      int threads, Until until, boolean resume, MasterKey masterKey) {
    this(bucket, prefix, snapshotId, target, threads, until, resume, masterKey, true);
  }

  /** A full restore of the latest snapshot and every change after it. */
  public RestoreSettings(String bucket, String prefix, String snapshotId, Target target,
      int threads) {
    this(bucket, prefix, snapshotId, target, threads, Until.END, false, null);
  }

  public RestoreSettings until(Until point) {
    return new RestoreSettings(bucket, prefix, snapshotId, target, threads, point, resume,
        masterKey, loadData);
  }

  public RestoreSettings resuming() {
    return new RestoreSettings(bucket, prefix, snapshotId, target, threads, until, true,
        masterKey, loadData);
  }

  public RestoreSettings withMasterKey(MasterKey key) {
    return new RestoreSettings(bucket, prefix, snapshotId, target, threads, until, resume, key,
        loadData);
  }

  /** The same restore loading with multi-row INSERTs even where LOAD DATA is allowed. */
  public RestoreSettings withInsertsOnly() {
    return new RestoreSettings(bucket, prefix, snapshotId, target, threads, until, resume,
        masterKey, false);
  }

  /** A MariaDB/MySQL server; the password never appears in {@link #toString()}. */
  public record Target(String host, int port, String user, String password) {
    /**
     * The restore's own sessions. Several statements may go in one request: replay sends a
     * batch of row changes in one round trip (their values bound, never spliced in as text).
     */
    public String jdbcUrl() {
      return "jdbc:mariadb://" + host + ":" + port
          + "/?sslMode=disable&allowLocalInfile=false&allowMultiQueries=true";
    }

    /**
     * For snapshot load sessions only: local infile allowed, which the driver serves from the
     * stream the loader sets on each statement, never from a file the server names.
     */
    public String loadJdbcUrl() {
      return "jdbc:mariadb://" + host + ":" + port + "/?sslMode=disable&allowLocalInfile=true";
    }

    @Override
    public String toString() {
      return user + "@" + host + ":" + port;
    }
  }
}
