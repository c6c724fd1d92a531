package io.tidemark.capture.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.shyiko.mysql.binlog.network.ServerException;
import io.debezium.DebeziumException;
import io.tidemark.capture.CaptureFailedException;
import io.tidemark.capture.CaptureFailedException.Reason;
import io.tidemark.schemas.SourcePosition;
import java.io.IOException;
import java.sql.SQLException;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FailureClassifierTest {
  private static final String PURGED = "Could not find GTID state requested by slave in any binlog"
      + " files. Probably the slave state is too old and required binlog files have been purged.";
  private static final SourcePosition AT =
      new SourcePosition(0, "mysql-bin.000001", 1292, 0, 0, "0-1-5", 0, false);

  /** The engine's errors, as Debezium 3.5.0 builds them, and what they mean. */
  static Stream<Arguments> errors() {
    ServerException server1236 = new ServerException(PURGED, 1236, "HY000");
    return Stream.of(
        Arguments.of("the server refuses the stored GTID (as the engine reports it)",
            stopped(new DebeziumException(PURGED + " Error code: 1236; SQLSTATE: HY000.",
                server1236)), Reason.BINLOG_UNAVAILABLE),
        Arguments.of("the same refusal through JDBC",
            stopped(new SQLException(PURGED, "HY000", 1236)), Reason.BINLOG_UNAVAILABLE),
        Arguments.of("Debezium's own check of a file position",
            new DebeziumException("The connector is trying to read change stream starting at"
                + " {file=mysql-bin.000001, pos=4}, but this is no longer available on the"
                + " server. Reconfigure the connector to use a snapshot mode when needed."),
            Reason.BINLOG_UNAVAILABLE),
        Arguments.of("wrong password",
            stopped(new ServerException("Access denied for user 'tidemark'", 1045, "28000")),
            Reason.ENGINE_FAILED),
        Arguments.of("lost connection", stopped(new IOException("Connection reset")),
            Reason.ENGINE_FAILED),
        Arguments.of("no error object at all", null, Reason.ENGINE_FAILED));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("errors")
  void classifiesTheEnginesError(String what, Throwable error, Reason expected) {
    CaptureFailedException failure =
        FailureClassifier.classify("shop", "engine stopped", error, Optional.of(AT));

    assertThat(failure.reason()).isEqualTo(expected);
    assertThat(failure).hasCause(error).hasMessageContaining("'shop'");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("errors")
  void aLostBinlogNamesTheProblemThePositionAndTheFix(String what, Throwable error, Reason r) {
    CaptureFailedException failure =
        FailureClassifier.classify("shop", "engine stopped", error, Optional.of(AT));

    if (r == Reason.BINLOG_UNAVAILABLE) {
      assertThat(failure.getMessage())
          .contains("no longer has the binlog", "resume from GTID 0-1-5 (mysql-bin.000001:1292)",
              "tidemark snapshot", "binlog_expire_logs_seconds");
    } else {
      assertThat(failure.getMessage()).doesNotContain("snapshot").contains("GTID 0-1-5");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("errors")
  void anUnknownPositionIsSaidToBeUnknown(String what, Throwable error, Reason r) {
    assertThat(FailureClassifier.classify("shop", null, error, Optional.empty()).getMessage())
        .contains("an unknown position");
  }

  private static Throwable stopped(Throwable cause) {
    return new ConnectException("An exception occurred in the change event producer. This"
        + " connector will be stopped.", cause);
  }
}
