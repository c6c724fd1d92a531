package io.tidemark.restore;

import io.tidemark.restore.internal.Checkpoint;
import io.tidemark.restore.internal.Checkpoint.Phase;
import io.tidemark.restore.internal.DeferredIndexes;
import io.tidemark.restore.internal.EventApplier;
import io.tidemark.restore.internal.LoadPath;
import io.tidemark.restore.internal.ManifestCheck;
import io.tidemark.restore.internal.Replayer;
import io.tidemark.restore.internal.SnapshotLoader;
import io.tidemark.schemas.BundleEnvelope;
import io.tidemark.schemas.BundleLink;
import io.tidemark.schemas.SnapshotKeys;
import io.tidemark.schemas.SourcePosition;
import io.tidemark.schemas.avro.SnapshotManifest;
import io.tidemark.schemas.avro.TableManifest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Restores a repository into a fresh server, in phases: schema from a snapshot's manifest, its
 * rows loaded in parallel and checked against the manifest, then every change after the
 * snapshot's position, merged into source order, each source transaction one target
 * transaction, up to the end of the archive or a point in time. Progress is checkpointed in the
 * target in the same transactions as the data ({@link Checkpoint}), so a restore killed at any
 * moment continues with {@link RestoreSettings#resume()} with no gap and no duplicate.
 *
 * <p>Everything that can be checked from the bucket (the snapshot exists, the target point is
 * inside the recoverable range, no partition's hash chain misses a bundle) is checked before the
 * target is touched. Encrypted bundles are decrypted with {@link RestoreSettings#masterKey()}. One restore per
 * instance; not thread-safe.
 */
public final class Restore {
  private static final Logger log = LoggerFactory.getLogger(Restore.class);
  private static final int FETCH_ROWS = 1000;

  private final RestoreSettings settings;
  private final S3Client s3;
  private final RestoreProgress progress = new RestoreProgress();

  public Restore(RestoreSettings settings, S3Client s3) {
    this.settings = settings;
    this.s3 = s3;
  }

  /**
   * Empties a scratch server for the next restore drill: drops every user database and any
   * checkpoint an interrupted restore left. Never point this at a server whose data matters.
   */
  public static void resetScratchTarget(RestoreSettings.Target scratch) throws SQLException {
    try (Connection c = DriverManager.getConnection(scratch.jdbcUrl(), scratch.user(),
        scratch.password()); Statement s = c.createStatement()) {
      for (String db : TableChecksums.userDatabases(c)) {
        s.execute("DROP DATABASE " + SqlNames.quote(db));
      }
      s.execute("DROP DATABASE IF EXISTS " + SqlNames.quote(Checkpoint.DATABASE));
    }
  }

  /** How far the restore is; readable from any thread while {@link #run()} runs. */
  public RestoreProgress progress() {
    return progress;
  }

  /**
   * What a finished restore did.
   *
   * @param reached the source position of the last applied change (the snapshot's position when
   *     no change was applied)
   */
  public record Result(String snapshotId, long snapshotRows, long events, long transactions,
      SourcePosition reached) {}

  /**
   * @throws RestoreMismatchException when the loaded snapshot differs from its manifest
   * @throws IllegalStateException for anything refused before writing, with the reason and fix
   */
  public Result run() throws SQLException, InterruptedException {
    SnapshotCatalog snapshots = SnapshotCatalog.read(s3, settings.bucket(), settings.prefix());
    BundleCatalog changes = BundleCatalog.read(s3, settings.bucket(), settings.prefix());
    try (Connection c = connect()) {
      Optional<Checkpoint.State> checkpoint = Checkpoint.read(c);
      SnapshotManifest snapshot = RestorePlan.snapshot(settings, snapshots, checkpoint, where());
      RestorePlan.checkRange(settings.until(), snapshot, changes.newestPositions(s3), where());
      BundleChain.check(changes.links(s3), changes.prunedThrough(s3),
          SourcePosition.fromAvro(snapshot.getPosition()), where());
      requireKeys(changes, snapshot);
      progress.rowsTotal(snapshot.getTables().stream().mapToLong(TableManifest::getRows).sum());
      Phase phase = checkpoint.map(Checkpoint.State::phase).orElse(null);
      if (phase == null) {
        refuseNonEmpty(c);
        Checkpoint.begin(c, snapshot.getSnapshotId());
        phase = Phase.SCHEMA;
      }
      SnapshotLoader loader = new SnapshotLoader(snapshot, this::open, this::connectForLoad,
          settings.threads(), loadPath());
      if (phase == Phase.SCHEMA) {
        progress.enter(RestoreProgress.Phase.SCHEMA);
        loader.createSchema(c);
        DeferredIndexes.drop(c, snapshot.getTables());
        Checkpoint.phase(c, phase = Phase.LOAD);
      }
      long rows = 0;
      if (phase == Phase.LOAD) {
        progress.enter(RestoreProgress.Phase.LOAD);
        rows = loader.loadRows(keysUnder(SnapshotKeys.chunksOf(settings.prefix(),
            snapshot.getSnapshotId())), Checkpoint.loadedBundles(c), progress::rowsLoaded);
        progress.enter(RestoreProgress.Phase.CHECK);
        List<String> mismatches = ManifestCheck.mismatches(this::connect, snapshot, FETCH_ROWS,
            settings.threads());
        if (!mismatches.isEmpty()) {
          throw new RestoreMismatchException("snapshot " + snapshot.getSnapshotId()
              + " did not load as recorded: " + String.join("; ", mismatches));
        }
        log.info("snapshot {} loaded: {} rows in {} tables, checksums match",
            snapshot.getSnapshotId(), rows, snapshot.getTables().size());
        Checkpoint.phase(c, phase = Phase.REPLAY);
      }
      progress.enter(RestoreProgress.Phase.REPLAY);
      SourcePosition start = SourcePosition.fromAvro(snapshot.getPosition());
      SourcePosition resumed = checkpoint.map(Checkpoint.State::replayedUpTo).orElse(null);
      SourcePosition from = resumed != null && resumed.compareTo(start) > 0 ? resumed : start;
      c.setAutoCommit(false);
      EventApplier.enforceForeignKeys(c);
      Replayer replayer = new Replayer(c, resumed != null);
      SourcePosition reached;
      try (ReplayEvents events = changes.replayOrder(this::open)) {
        reached = replayer.replay(events, from, settings.until(), progress::replayed);
      }
      c.setAutoCommit(true);
      Checkpoint.finish(c);
      progress.enter(RestoreProgress.Phase.DONE);
      log.info("replayed {} events in {} transactions into {} (until {})", replayer.events(),
          replayer.transactions(), settings.target(), settings.until());
      return new Result(snapshot.getSnapshotId(), rows, replayer.events(), replayer.transactions(),
          reached != null ? reached : from);
    }
  }

  /**
   * Refuses, before writing, encrypted bundles without their master key: every change bundle
   * and the snapshot's first chunk (all of a run's bundles share one key).
   */
  private void requireKeys(BundleCatalog changes, SnapshotManifest snapshot) {
    List<BundleLink> bundles = new ArrayList<>();
    changes.links(s3).values().forEach(bundles::addAll);
    keysUnder(SnapshotKeys.chunksOf(settings.prefix(), snapshot.getSnapshotId())).stream()
        .limit(1).forEach(key -> bundles.add(BundleLink.fromObjectMetadata(key,
            s3.headObject(b -> b.bucket(settings.bucket()).key(key)).metadata())));
    for (BundleLink b : bundles) {
      BundleEnvelope.requireKey(b.key(), b.keyId(), settings.masterKey());
    }
  }

  private String where() {
    return "s3://" + settings.bucket() + "/" + settings.prefix();
  }

  private List<String> keysUnder(String prefix) {
    List<String> keys = new ArrayList<>();
    for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(settings.bucket()).prefix(prefix))
        .contents()) {
      keys.add(o.key());
    }
    keys.sort(null);
    return keys;
  }

  /** A bundle's plain Avro file, decrypted when it was encrypted. */
  private java.io.InputStream open(String key) {
    try {
      return BundleEnvelope.open(s3.getObject(b -> b.bucket(settings.bucket()).key(key)), key,
          settings.masterKey());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot read " + key, e);
    }
  }

  private Connection connect() throws SQLException {
    RestoreSettings.Target t = settings.target();
    Connection c = DriverManager.getConnection(t.jdbcUrl(), t.user(), t.password());
    EventApplier.prepareSession(c);
    return c;
  }

  /** A connection for loading rows: the session of {@link #connect}, local infile allowed. */
  private Connection connectForLoad() throws SQLException {
    RestoreSettings.Target t = settings.target();
    Connection c = DriverManager.getConnection(t.loadJdbcUrl(), t.user(), t.password());
    EventApplier.prepareSession(c);
    return c;
  }

  private LoadPath loadPath() throws SQLException {
    if (!settings.loadData()) {
      log.info("snapshot load path: multi-row INSERT (LOAD DATA turned off in the settings)");
      return LoadPath.INSERT;
    }
    try (Connection c = connectForLoad()) {
      return LoadPath.choose(c);
    }
  }

  private static void refuseNonEmpty(Connection c) throws SQLException {
    List<String> found = TableChecksums.userDatabases(c);
    if (!found.isEmpty()) {
      throw new IllegalStateException("the target already holds databases " + found
          + "; restore only into a fresh server");
    }
  }
}
