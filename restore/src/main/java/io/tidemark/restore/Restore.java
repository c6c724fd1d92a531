package io.tidemark.restore;

import io.tidemark.restore.internal.EventApplier;
import io.tidemark.restore.internal.ManifestCheck;
import io.tidemark.restore.internal.MergedEvents;
import io.tidemark.restore.internal.SnapshotLoader;
import io.tidemark.schemas.SnapshotKeys;
import io.tidemark.schemas.SourcePosition;
import io.tidemark.schemas.avro.ChangeEvent;
import io.tidemark.schemas.avro.Operation;
import io.tidemark.schemas.avro.SnapshotManifest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Restores a repository into a fresh server: a snapshot (schema, rows in parallel, checked
 * against its manifest), then every change after the snapshot's position, merged into source
 * order, each source transaction applied as one target transaction, DDL at its position.
 *
 * <p>One restore per instance; not thread-safe.
 */
public final class Restore {
  private static final Logger log = LoggerFactory.getLogger(Restore.class);
  private static final List<String> SYSTEM_DATABASES =
      List.of("information_schema", "mysql", "performance_schema", "sys");
  private static final int FETCH_ROWS = 1000;

  private final RestoreSettings settings;
  private final S3Client s3;

  public Restore(RestoreSettings settings, S3Client s3) {
    this.settings = settings;
    this.s3 = s3;
  }

  /** What a finished restore did. */
  public record Result(String snapshotId, long snapshotRows, long events, long transactions) {}

  /**
   * @throws RestoreMismatchException when the loaded snapshot differs from its manifest
   */
  public Result run() throws SQLException, InterruptedException {
    SnapshotManifest snapshot = chooseSnapshot();
    RestoreSettings.Target t = settings.target();
    try (Connection c = connect()) {
      refuseNonEmpty(c);
      SnapshotLoader loader = new SnapshotLoader(snapshot, this::open, this::connect,
          settings.threads());
      loader.createSchema(c);
      long rows = loader.loadRows(keysUnder(SnapshotKeys.chunksOf(settings.prefix(),
          snapshot.getSnapshotId())));
      List<String> mismatches = ManifestCheck.mismatches(c, snapshot, FETCH_ROWS);
      if (!mismatches.isEmpty()) {
        throw new RestoreMismatchException("snapshot " + snapshot.getSnapshotId()
            + " did not load as recorded: " + String.join("; ", mismatches));
      }
      log.info("snapshot {} loaded: {} rows in {} tables, checksums match",
          snapshot.getSnapshotId(), rows, snapshot.getTables().size());
      c.setAutoCommit(false);
      BundleCatalog changes = BundleCatalog.read(s3, settings.bucket(), settings.prefix());
      MergedEvents events = new MergedEvents(changes.bundlesByPartition().values(), this::open);
      long[] counts = replay(events, SourcePosition.fromAvro(snapshot.getPosition()),
          new EventApplier(c), c);
      log.info("replayed {} events in {} transactions into {}", counts[0], counts[1], t);
      return new Result(snapshot.getSnapshotId(), rows, counts[0], counts[1]);
    }
  }

  private SnapshotManifest chooseSnapshot() {
    SnapshotCatalog catalog = SnapshotCatalog.read(s3, settings.bucket(), settings.prefix());
    String where = "s3://" + settings.bucket() + "/" + settings.prefix();
    if (settings.snapshotId() == null) {
      return catalog.latest().orElseThrow(() -> new IllegalStateException(where
          + " holds no complete snapshot: nothing to restore from (take one with"
          + " 'tidemark snapshot', or check the prefix)"));
    }
    return catalog.byId(settings.snapshotId()).orElseThrow(() -> new IllegalStateException(
        "snapshot " + settings.snapshotId() + " is not in " + where + " (or has no manifest);"
            + " 'tidemark list' shows the snapshots there"));
  }

  /**
   * Applies the events after {@code start}, grouped into target transactions: the events of one
   * source transaction (same transaction id) together, each DDL alone (it commits implicitly).
   */
  private long[] replay(MergedEvents events, SourcePosition start, EventApplier applier,
      Connection c) throws SQLException {
    long applied = 0;
    long transactions = 0;
    List<ChangeEvent> group = new ArrayList<>();
    while (events.hasNext()) {
      ChangeEvent e = events.next();
      if (SourcePosition.fromAvro(e.getPosition()).compareTo(start) <= 0) {
        continue; // already in the snapshot
      }
      if (!group.isEmpty() && !sameTransaction(group.get(0), e)) {
        commit(applier, c, group);
        transactions++;
      }
      group.add(e);
      applied++;
    }
    if (!group.isEmpty()) {
      commit(applier, c, group);
      transactions++;
    }
    return new long[] {applied, transactions};
  }

  private static boolean sameTransaction(ChangeEvent first, ChangeEvent next) {
    if (first.getOperation() == Operation.DDL || next.getOperation() == Operation.DDL) {
      return false;
    }
    String transaction = first.getTransactionId();
    return transaction != null && transaction.equals(next.getTransactionId());
  }

  private static void commit(EventApplier applier, Connection c, List<ChangeEvent> group)
      throws SQLException {
    try {
      for (ChangeEvent e : group) {
        applier.apply(e);
      }
      c.commit();
    } catch (SQLException | RuntimeException ex) {
      c.rollback();
      throw ex;
    }
    group.clear();
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

  private java.io.InputStream open(String key) {
    return s3.getObject(b -> b.bucket(settings.bucket()).key(key));
  }

  private Connection connect() throws SQLException {
    RestoreSettings.Target t = settings.target();
    Connection c = DriverManager.getConnection(t.jdbcUrl(), t.user(), t.password());
    EventApplier.prepareSession(c);
    return c;
  }

  private static void refuseNonEmpty(Connection c) throws SQLException {
    List<String> found = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SHOW DATABASES")) {
      while (r.next()) {
        if (!SYSTEM_DATABASES.contains(r.getString(1))) {
          found.add(r.getString(1));
        }
      }
    }
    if (!found.isEmpty()) {
      throw new IllegalStateException("the target already holds databases " + found
          + "; restore only into a fresh server");
    }
  }
}
