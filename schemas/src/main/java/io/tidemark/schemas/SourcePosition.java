package io.tidemark.schemas;

import io.tidemark.schemas.avro.Position;
import java.util.Comparator;
import java.util.Objects;

/**
 * The full restart point of one event in a source's binlog.
 *
 * <p>Positions of one source are totally ordered, and that order is the replay order: by binlog
 * file sequence number, then byte position, then the event's index inside its transaction, then
 * the row index inside a multi-row event. The event index is needed because MariaDB 11.4 and
 * later write the events of a transaction with no position of their own (end_log_pos 0): every
 * row change of a transaction then reports the transaction's start as its byte position. A
 * snapshot row carries the position the snapshot was consistent at and sorts before a streamed
 * event at the same coordinates, because the snapshot holds the state just before that event.
 * The server id, GTID and timestamp identify and describe the event but do not take part in the
 * order.
 *
 * <p>Immutable and thread-safe.
 *
 * @param event for a streamed row change, the index of its binlog event inside its transaction
 *     (Debezium's count of events to skip when resuming there); 0 otherwise
 */
public record SourcePosition(
    long serverId, String file, long pos, long event, int row, String gtid, long timestampMs,
    boolean snapshot)
    implements Comparable<SourcePosition> {

  private static final Comparator<SourcePosition> ORDER =
      Comparator.comparingLong(SourcePosition::fileSequence)
          .thenComparingLong(SourcePosition::pos)
          .thenComparingLong(SourcePosition::event)
          .thenComparingInt(SourcePosition::row)
          .thenComparing(p -> !p.snapshot());

  public SourcePosition {
    Objects.requireNonNull(file, "file");
    sequenceOf(file); // validates the name once, here, instead of at every comparison
    if (pos < 0 || event < 0 || row < 0) {
      throw new IllegalArgumentException(
          "negative binlog position " + pos + "/" + event + "/" + row);
    }
  }

  /** The sequence number of the binlog file, the numeric suffix of its name. */
  public long fileSequence() {
    return sequenceOf(file);
  }

  @Override
  public int compareTo(SourcePosition other) {
    return ORDER.compare(this, other);
  }

  public static SourcePosition fromAvro(Position p) {
    return new SourcePosition(
        p.getServerId(), p.getFile(), p.getPos(), p.getEvent(), p.getRow(), p.getGtid(),
        p.getTimestampMs(), p.getSnapshot());
  }

  public Position toAvro() {
    return new Position(serverId, file, pos, event, row, gtid, timestampMs, snapshot);
  }

  /** A compact, parseable text form used in bundle metadata and checkpoints. */
  public String format() {
    return String.join(",", Long.toString(serverId), file, Long.toString(pos),
        Long.toString(event), Integer.toString(row),
        gtid == null ? "" : gtid, Long.toString(timestampMs), snapshot ? "snapshot" : "stream");
  }

  /** Parses {@link #format()} output; throws IllegalArgumentException naming the bad text. */
  public static SourcePosition parse(String text) {
    String[] f = text.split(",", -1);
    if (f.length != 8) {
      throw new IllegalArgumentException("not a source position: '" + text + "'");
    }
    try {
      return new SourcePosition(Long.parseLong(f[0]), f[1], Long.parseLong(f[2]),
          Long.parseLong(f[3]), Integer.parseInt(f[4]), f[5].isEmpty() ? null : f[5],
          Long.parseLong(f[6]), f[7].equals("snapshot"));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a source position: '" + text + "'", e);
    }
  }

  private static long sequenceOf(String file) {
    int dot = file.lastIndexOf('.');
    try {
      return Long.parseLong(file.substring(dot + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "binlog file name '" + file + "' has no numeric suffix (expected e.g. mysql-bin.000001)", e);
    }
  }
}
