package io.tidemark.restore.internal;

import io.tidemark.restore.Until;
import io.tidemark.schemas.SourcePosition;
import io.tidemark.schemas.avro.ChangeEvent;
import io.tidemark.schemas.avro.Operation;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Applies change events in replay order: each source transaction (same transaction id) as one
 * target transaction that also records, in the checkpoint, the position of its last event; each
 * DDL alone, its checkpoint right after it (DDL commits implicitly). Events at or before
 * {@code from} are skipped: they are in the snapshot, or were applied before an interruption.
 * Stops before the first transaction beyond {@code until}.
 *
 * <p>Confined to one thread and one connection.
 */
public final class Replayer {
  /** DDL errors that mean "already done": the DDL ran, the crash came before its checkpoint. */
  private static final java.util.Set<Integer> ALREADY_APPLIED = java.util.Set.of(
      1007, 1008, 1050, 1051, 1060, 1061, 1091);

  private final Connection c;
  private final EventApplier applier;
  private boolean firstAfterResume;
  private long events;
  private long transactions;
  private SourcePosition last;

  /** @param resuming whether an interrupted restore continues (its first DDL may be done) */
  public Replayer(Connection c, boolean resuming) throws SQLException {
    this.c = c;
    this.applier = new EventApplier(c);
    this.firstAfterResume = resuming;
  }

  /**
   * Replays; returns the position of the last applied event, or null when none was.
   * {@code onCommitted} learns the size of each transaction once it committed.
   */
  public SourcePosition replay(Iterator<ChangeEvent> merged, SourcePosition from, Until until,
      java.util.function.IntConsumer onCommitted) throws SQLException {
    List<ChangeEvent> group = new ArrayList<>();
    while (merged.hasNext()) {
      ChangeEvent e = merged.next();
      if (SourcePosition.fromAvro(e.getPosition()).compareTo(from) <= 0) {
        continue;
      }
      if (!group.isEmpty() && !sameTransaction(group.get(0), e)) {
        onCommitted.accept(commit(group));
      }
      if (group.isEmpty() && until.isBeyond(e)) {
        return last;
      }
      group.add(e);
    }
    if (!group.isEmpty()) {
      onCommitted.accept(commit(group));
    }
    return last;
  }

  public long events() {
    return events;
  }

  public long transactions() {
    return transactions;
  }

  private void apply(ChangeEvent e) throws SQLException {
    boolean first = firstAfterResume;
    firstAfterResume = false;
    try {
      applier.apply(e);
    } catch (SQLException ex) {
      if (!(first && e.getOperation() == Operation.DDL
          && ALREADY_APPLIED.contains(ex.getErrorCode()))) {
        throw ex;
      }
      org.slf4j.LoggerFactory.getLogger(Replayer.class).warn("DDL at {} was applied before the"
          + " interruption ({}); continuing", e.getPosition(), ex.getMessage());
    }
  }

  private static boolean sameTransaction(ChangeEvent first, ChangeEvent next) {
    if (first.getOperation() == Operation.DDL || next.getOperation() == Operation.DDL) {
      return false;
    }
    String transaction = first.getTransactionId();
    return transaction != null && transaction.equals(next.getTransactionId());
  }

  /** Applies one source transaction as one target transaction; returns its size. */
  private int commit(List<ChangeEvent> group) throws SQLException {
    SourcePosition end = SourcePosition.fromAvro(group.get(group.size() - 1).getPosition());
    try {
      for (ChangeEvent e : group) {
        apply(e);
      }
      Checkpoint.replayed(c, end);
      c.commit();
    } catch (SQLException | RuntimeException ex) {
      c.rollback();
      throw ex;
    }
    int size = group.size();
    events += size;
    transactions++;
    last = end;
    group.clear();
    return size;
  }
}
