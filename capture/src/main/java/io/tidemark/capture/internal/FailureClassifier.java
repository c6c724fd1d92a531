package io.tidemark.capture.internal;

import com.github.shyiko.mysql.binlog.network.ServerException;
import io.debezium.DebeziumException;
import io.tidemark.capture.CaptureFailedException;
import io.tidemark.capture.CaptureFailedException.Reason;
import io.tidemark.schemas.SourcePosition;
import java.sql.SQLException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the error that ended the Debezium engine, once, into a {@link CaptureFailedException}.
 *
 * <p>How Debezium 3.5.0's MariaDB connector reports a binlog that is gone:
 * <ul>
 *   <li>With GTIDs (our servers) its check before streaming cannot see it: the MariaDB
 *       connection reports an empty purged-GTID set, so the check passes. Streaming then asks the
 *       server for the stored GTID, and the server refuses with error 1236
 *       (ER_MASTER_FATAL_ERROR_READING_BINLOG, "Could not find GTID state requested by slave in
 *       any binlog files. Probably the slave state is too old and required binlog files have
 *       been purged."). The binlog client raises it as a {@link ServerException} with that code;
 *       the connector wraps it in a {@link DebeziumException} and stops the engine.
 *   <li>With file and position only, the check before streaming fails with a plain
 *       {@link DebeziumException} "... but this is no longer available on the server ..." when
 *       the snapshot mode does not allow a snapshot on a data error (the default, initial); with
 *       when_needed it would silently take a new snapshot instead.
 * </ul>
 * Stateless and thread-safe.
 */
public final class FailureClassifier {
  /** ER_MASTER_FATAL_ERROR_READING_BINLOG of MariaDB and MySQL. */
  static final int BINLOG_READ_ERROR = 1236;
  /** Debezium's position check has no error code, only this text. */
  static final String POSITION_GONE_TEXT = "no longer available on the server";

  private FailureClassifier() {}

  /**
   * @param source the source's name
   * @param engineMessage the engine's completion message, may be null
   * @param error the engine's error, may be null
   * @param resumeFrom where capture would have resumed, if known
   */
  public static CaptureFailedException classify(String source, String engineMessage,
      Throwable error, Optional<SourcePosition> resumeFrom) {
    String at = resumeFrom.map(FailureClassifier::describe).orElse("an unknown position");
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Throwable t = error; t != null && seen.add(t); t = t.getCause()) {
      if (binlogGone(t)) {
        return new CaptureFailedException(Reason.BINLOG_UNAVAILABLE, source, at, t.getMessage(),
            error);
      }
    }
    String detail = engineMessage != null ? engineMessage
        : error != null ? String.valueOf(error.getMessage()) : "no reason given";
    return new CaptureFailedException(Reason.ENGINE_FAILED, source, at, detail, error);
  }

  private static boolean binlogGone(Throwable t) {
    if (t instanceof ServerException server) {
      return server.getErrorCode() == BINLOG_READ_ERROR;
    }
    if (t instanceof SQLException sql) {
      return sql.getErrorCode() == BINLOG_READ_ERROR;
    }
    return t instanceof DebeziumException && t.getMessage() != null
        && t.getMessage().contains(POSITION_GONE_TEXT);
  }

  private static String describe(SourcePosition p) {
    String coordinates = p.file() + ":" + p.pos();
    return p.gtid() == null ? "binlog position " + coordinates
        : "GTID " + p.gtid() + " (" + coordinates + ")";
  }
}
