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
 * Applies change events in replay order, as whole source transactions (same transaction id):
 * consecutive source transactions share one target transaction until it holds
 * {@link #GROUP_EVENTS} events, and that target transaction also records, in the checkpoint,
 * the position of its last event. So the target never holds part of a source transaction, a
 * resume continues right after the last committed group, and the commit's flush to disk is paid
 * once per group, not once per source transaction. Each DDL goes alone, the group before it
 * committed first and its checkpoint right after it (DDL commits implicitly). Row changes reach
 * the target in requests of several ({@link EventApplier#add}), or folded to one net change per
 * row where their order cannot matter, inside the group's transaction; no more than one request
 * and one bounded fold of them are held in memory, never a whole source transaction. Events
 * at or before {@code from} are skipped: they are in the snapshot, or were applied before an
 * interruption. Stops before the first transaction beyond {@code until}. Like the load, replay
 * writes nothing to the target's binary log ({@link LoadPath#skipBinlog}).
 *
 * <p>Confined to one thread and one connection.
 */
public final class Replayer {
  /** Events after which a group of source transactions commits. */
  static final int GROUP_EVENTS = 1000;
  /** DDL errors that mean "already done": the DDL ran, the crash came before its checkpoint. */
  private static final java.util.Set<Integer> ALREADY_APPLIED = java.util.Set.of(
      1007, 1008, 1050, 1051, 1060, 1061, 1091);

  private final Connection c;
  private final EventApplier applier;
  private boolean firstAfterResume;
  private long events;
  private long transactions;
  private SourcePosition last;
  /** The sizes of the source transactions applied and not committed yet. */
  private final List<Integer> pending = new ArrayList<>();
  private int pendingEvents;
  private SourcePosition pendingEnd;

  /** @param resuming whether an interrupted restore continues (its first DDL may be done) */
  public Replayer(Connection c, boolean resuming) throws SQLException {
    LoadPath.skipBinlog(c);
    this.c = c;
    this.applier = new EventApplier(c);
    this.firstAfterResume = resuming;
  }

  /**
   * Replays; returns the position of the last applied event, or null when none was.
   * {@code onCommitted} learns the size of each source transaction once it committed.
   */
  public SourcePosition replay(Iterator<ChangeEvent> merged, SourcePosition from, Until until,
      java.util.function.IntConsumer onCommitted) throws SQLException {
    try {
      ChangeEvent first = null; // of the source transaction being applied
      int size = 0;
      while (merged.hasNext()) {
        ChangeEvent e = merged.next();
        SourcePosition at = SourcePosition.fromAvro(e.getPosition());
        if (at.compareTo(from) <= 0) {
          continue;
        }
        if (first == null || !sameTransaction(first, e)) {
          if (first != null) {
            ended(first, size, onCommitted);
          }
          if (until.isBeyond(e)) {
            first = null;
            break;
          }
          if (e.getOperation() == Operation.DDL) {
            commit(onCommitted);
          }
          first = e;
          size = 0;
        }
        apply(e);
        size++;
        pendingEnd = at;
      }
      if (first != null) {
        ended(first, size, onCommitted);
      }
      commit(onCommitted);
    } catch (SQLException | RuntimeException ex) {
      c.rollback();
      throw ex;
    }
    return last;
  }

  public long events() {
    return events;
  }

  public long transactions() {
    return transactions;
  }

  /** A source transaction was applied whole; commits the group when it is full or a DDL. */
  private void ended(ChangeEvent first, int size, java.util.function.IntConsumer onCommitted)
      throws SQLException {
    pending.add(size);
    pendingEvents += size;
    if (first.getOperation() == Operation.DDL || pendingEvents >= GROUP_EVENTS) {
      commit(onCommitted);
    }
  }

  /** Commits the pending source transactions with the checkpoint of the last one. */
  private void commit(java.util.function.IntConsumer onCommitted) throws SQLException {
    if (pending.isEmpty()) {
      return;
    }
    applier.flush();
    Checkpoint.replayed(c, pendingEnd);
    c.commit();
    for (int size : pending) {
      events += size;
      transactions++;
      onCommitted.accept(size);
    }
    last = pendingEnd;
    pending.clear();
    pendingEvents = 0;
  }

  private void apply(ChangeEvent e) throws SQLException {
    boolean first = firstAfterResume;
    firstAfterResume = false;
    if (e.getOperation() != Operation.DDL) {
      applier.add(e); // goes with the next request of row changes
      return;
    }
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
}
