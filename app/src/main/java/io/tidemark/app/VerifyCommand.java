package io.tidemark.app;

import io.tidemark.app.config.ConfigKey;
import io.tidemark.app.config.ConfigReader;
import io.tidemark.app.config.ServerAddress;
import io.tidemark.restore.RestoreSettings;
import io.tidemark.restore.TableChecksums;
import io.tidemark.restore.TableChecksums.TableSum;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "verify", mixinStandardHelpOptions = true,
    description = {"Per-table row counts and CHECKSUM TABLE of a restored server; with --source,"
        + " compared table by table with the live source (which must be at the same position:"
        + " stop writes, or restore --until-gtid the source's GTID).",
        "Exit 0 when every table matches, 3 when one differs or exists on one side only."})
final class VerifyCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Option(names = "--target", paramLabel = "URL", description = "the restored server"
      + " (password: TIDEMARK_TARGET_PASSWORD or --target-defaults-file)")
  String target;

  @Option(names = "--target-defaults-file", paramLabel = "FILE")
  Path targetDefaultsFile;

  @Option(names = "--source", paramLabel = "URL", description = "the live source"
      + " (TIDEMARK_SOURCE; password: TIDEMARK_SOURCE_PASSWORD or --defaults-file)")
  String source;

  @Option(names = "--defaults-file", paramLabel = "FILE")
  Path defaultsFile;

  @Override
  public Integer call() throws Exception {
    ConfigReader reader = config.read(ConfigOptions.flags(ConfigKey.SOURCE, source,
        ConfigKey.SOURCE_DEFAULTS_FILE, defaultsFile));
    RestoreSettings.Target to = ServerOptions.target(reader, target, targetDefaultsFile);
    ServerAddress from = reader.optional(ConfigKey.SOURCE).isPresent() ? reader.source() : null;
    List<String> databases = reader.list(ConfigKey.DATABASES);
    reader.check();
    Map<String, TableSum> restored = sums(to.jdbcUrl(), to.user(), to.password(), databases);
    if (from == null) {
      restored.forEach((table, sum) -> System.out.printf("%-40s rows %10d  checksum %12d%n",
          table, sum.rows(), sum.checksum()));
      System.out.println(restored.size() + " tables checked on " + to);
      return ExitCodes.OK;
    }
    Map<String, TableSum> live = sums("jdbc:mariadb://" + from.host() + ":" + from.port()
        + "/?sslMode=disable", from.user(), from.password(), databases);
    boolean match = true;
    for (String table : new TreeSet<>(union(restored, live))) {
      TableSum want = live.get(table);
      TableSum got = restored.get(table);
      boolean same = want != null && want.equals(got);
      match &= same;
      System.out.printf("%-40s source %s  target %s  %s%n", table, describe(want), describe(got),
          same ? "match" : "MISMATCH");
    }
    System.out.println(match ? "verified: the target equals the source"
        : "verification FAILED: the target differs from the source");
    return match ? ExitCodes.OK : ExitCodes.MISMATCH;
  }

  private static TreeSet<String> union(Map<String, TableSum> a, Map<String, TableSum> b) {
    TreeSet<String> all = new TreeSet<>(a.keySet());
    all.addAll(b.keySet());
    return all;
  }

  private static String describe(TableSum sum) {
    return sum == null ? "(absent)" : "rows " + sum.rows() + " checksum " + sum.checksum();
  }

  private static Map<String, TableSum> sums(String url, String user, String password,
      List<String> databases) throws SQLException {
    try (Connection c = DriverManager.getConnection(url, user, password)) {
      return TableChecksums.of(c, databases.isEmpty() ? TableChecksums.userDatabases(c)
          : databases);
    }
  }
}
