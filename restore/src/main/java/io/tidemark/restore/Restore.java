package io.tidemark.restore;

import io.tidemark.restore.internal.EventApplier;
import io.tidemark.restore.internal.MergedEvents;
import io.tidemark.schemas.avro.ChangeEvent;
import io.tidemark.schemas.avro.Operation;
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

/**
 * Restores a repository into a fresh server: every change bundle, merged into source order, each
 * source transaction applied as one target transaction, DDL at its position.
 *
 * <p>One restore per instance; not thread-safe.
 */
public final class Restore {
  private static final Logger log = LoggerFactory.getLogger(Restore.class);
  private static final List<String> SYSTEM_DATABASES =
      List.of("information_schema", "mysql", "performance_schema", "sys");

  private final RestoreSettings settings;
  private final S3Client s3;

  public Restore(RestoreSettings settings, S3Client s3) {
    this.settings = settings;
    this.s3 = s3;
  }

  /** What a finished restore did. */
  public record Result(int bundles, long events, long transactions) {}

  public Result run() throws SQLException {
    BundleCatalog catalog = BundleCatalog.read(s3, settings.bucket(), settings.prefix());
    if (catalog.bundleCount() == 0) {
      throw new IllegalStateException("s3://" + settings.bucket() + "/" + settings.prefix()
          + " holds no change bundles: nothing to restore (is the prefix right?)");
    }
    RestoreSettings.Target t = settings.target();
    try (Connection c = DriverManager.getConnection(t.jdbcUrl(), t.user(), t.password())) {
      refuseNonEmpty(c);
      EventApplier.prepareSession(c);
      c.setAutoCommit(false);
      MergedEvents events = new MergedEvents(catalog.bundlesByPartition().values(),
          key -> s3.getObject(b -> b.bucket(settings.bucket()).key(key)));
      Result result = replay(events, new EventApplier(c), c);
      log.info("restored {} events in {} transactions from {} bundles into {}",
          result.events(), result.transactions(), result.bundles(), t);
      return new Result(catalog.bundleCount(), result.events(), result.transactions());
    }
  }

  /**
   * Groups the merged events into target transactions: the events of one source transaction
   * (same transaction id) together, snapshot rows in batches, each DDL alone (it commits
   * implicitly).
   */
  private Result replay(MergedEvents events, EventApplier applier, Connection c) throws SQLException {
    long applied = 0;
    long transactions = 0;
    List<ChangeEvent> group = new ArrayList<>();
    while (events.hasNext()) {
      ChangeEvent e = events.next();
      if (!group.isEmpty() && !sameTransaction(group.get(0), e, group.size())) {
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
    return new Result(0, applied, transactions);
  }

  private boolean sameTransaction(ChangeEvent first, ChangeEvent next, int groupSize) {
    if (first.getOperation() == Operation.DDL || next.getOperation() == Operation.DDL) {
      return false;
    }
    if (first.getPosition().getSnapshot() && next.getPosition().getSnapshot()) {
      return groupSize < settings.batchRows();
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
