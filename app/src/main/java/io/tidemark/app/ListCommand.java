package io.tidemark.app;

import io.tidemark.app.config.ConfigKey;
import io.tidemark.app.config.ConfigReader;
import io.tidemark.app.config.Repository;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "list", mixinStandardHelpOptions = true,
    description = "The repository's snapshots and the recoverable range, read from the"
        + " repository alone.")
final class ListCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Mixin RepositoryOption repository;

  @Option(names = "--json", description = "one JSON object for scripts: \"snapshots\","
      + " \"bundles\" and \"recoverable\" {\"from_time\", \"until_time\", \"until_gtid\"}")
  boolean json;

  @Override
  public Integer call() throws Exception {
    ConfigReader reader =
        config.read(ConfigOptions.flags(ConfigKey.REPOSITORY, repository.url));
    Repository repo = reader.repository();
    reader.check();
    ArchiveSummary summary;
    try (RepositoryAccess access = RepositoryAccess.open(repo)) {
      summary = ArchiveSummary.read(access);
    }
    if (json) {
      System.out.println(StatusApi.JSON.writeValueAsString(summary.toJson()));
    } else {
      print(summary, repo, System.out);
    }
    return ExitCodes.OK;
  }

  private static void print(ArchiveSummary summary, Repository repo, PrintStream out) {
    out.println("repository " + repo + ": " + summary.snapshots().size() + " snapshots, "
        + summary.bundles() + " change bundles");
    if (!summary.snapshots().isEmpty()) {
      out.printf("%-28s %-24s %7s %12s %12s  %s%n", "SNAPSHOT", "TAKEN (UTC)", "TABLES", "ROWS",
          "BYTES", "GTID");
      for (ArchiveSummary.Snapshot s : summary.snapshots()) {
        out.printf("%-28s %-24s %7d %12d %12d  %s%n", s.id(), s.time(), s.tables(), s.rows(),
            s.bytes(), s.gtid());
      }
    }
    out.println(summary.recoverable().map(r -> "recoverable from " + r.fromTime() + " until "
        + r.untilTime() + " (GTID " + r.untilGtid() + ")")
        .orElse("nothing is recoverable yet: the repository has no complete snapshot"));
  }
}
