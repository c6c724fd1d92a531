package io.tidemark.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The source write load: {@code sysbench oltp_write_only} (by default) as a child process on the
 * sbtest tables of the benchmark database, like {@code shared/bench/cdc-workload.sh}. Each
 * transaction changes four rows (an index update, a non-index update, a delete and an insert).
 */
final class Sysbench {
  /** Row changes per {@code oltp_write_only} transaction. */
  static final int ROWS_PER_TRANSACTION = 4;

  private static final Pattern TRANSACTIONS =
      Pattern.compile("transactions:\\s+(\\d+)\\s+\\((\\d+(?:\\.\\d+)?) per sec");
  private static final Pattern IGNORED = Pattern.compile("ignored errors:\\s+(\\d+)");
  private static final Pattern TOTAL_TIME = Pattern.compile("total time:\\s+(\\d+(?:\\.\\d+)?)s");

  /** What sysbench reported for one run. */
  record Result(long transactions, double perSecond, long ignoredErrors, double seconds) {}

  private final SourceOptions source;
  private final String workload;
  private final int threads;
  private final int tables;
  private final long tableSize;

  private Sysbench(SourceOptions source, String workload, int threads, int tables, long tableSize) {
    this.source = source;
    this.workload = workload;
    this.threads = threads;
    this.tables = tables;
    this.tableSize = tableSize;
  }

  /** Sizes the load by the sbtest tables the source holds. */
  static Sysbench on(SourceOptions source, String workload, int threads) throws SQLException {
    try (Connection c = source.connect(); Statement s = c.createStatement()) {
      int tables;
      try (ResultSet r = s.executeQuery("SELECT COUNT(*) FROM information_schema.tables"
          + " WHERE table_schema = DATABASE() AND table_name REGEXP '^sbtest[0-9]+$'")) {
        r.next();
        tables = r.getInt(1);
      }
      if (tables == 0) {
        throw new IllegalStateException("no sbtest tables in " + source.database
            + "; run ../shared/bench/gen-dataset.sh first");
      }
      try (ResultSet r = s.executeQuery("SELECT MAX(id) FROM sbtest1")) {
        r.next();
        return new Sysbench(source, workload, threads, tables, r.getLong(1));
      }
    }
  }

  String describe() {
    return workload + " threads=" + threads + " tables=" + tables + " table_size=" + tableSize;
  }

  /** Starts a run of {@code duration}; its output goes to {@code log}. */
  Process start(Duration duration, Path log) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("sysbench", workload, "--db-driver=mysql",
        "--mysql-host=" + source.host, "--mysql-port=" + source.port,
        "--mysql-user=" + source.user, "--mysql-password=" + source.password,
        "--mysql-db=" + source.database, "--tables=" + tables, "--table-size=" + tableSize,
        "--threads=" + threads, "--time=" + duration.toSeconds(), "--report-interval=10",
        "--rand-seed=" + (System.nanoTime() & 0x7fffffff), "run"));
    return new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
  }

  /** Waits for a run started by {@link #start} and parses what it reported. */
  static Result await(Process p, Duration duration, Path log)
      throws IOException, InterruptedException {
    if (!p.waitFor(duration.toSeconds() + 120, TimeUnit.SECONDS)) {
      p.destroy();
      throw new IllegalStateException("sysbench did not finish; see " + log);
    }
    String out = Files.readString(log);
    if (p.exitValue() != 0) {
      throw new IllegalStateException("sysbench failed with exit code " + p.exitValue()
          + "; see " + log);
    }
    // The log may hold several runs; the last report is this one's.
    Matcher t = last(TRANSACTIONS, out);
    Matcher i = last(IGNORED, out);
    Matcher s = last(TOTAL_TIME, out);
    return new Result(Long.parseLong(t.group(1)), Double.parseDouble(t.group(2)),
        Long.parseLong(i.group(1)), Double.parseDouble(s.group(1)));
  }

  private static Matcher last(Pattern pattern, String text) {
    Matcher m = pattern.matcher(text);
    int start = -1;
    while (m.find()) {
      start = m.start();
    }
    if (start < 0) {
      throw new IllegalStateException("sysbench output lacks '" + pattern + "'");
    }
    m.find(start);
    return m;
  }
}
