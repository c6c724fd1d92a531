package io.tidemark.app;

import io.tidemark.app.config.ConfigKey;
import io.tidemark.app.config.ConfigReader;
import io.tidemark.app.config.Repository;
import io.tidemark.restore.BundleCatalog;
import io.tidemark.restore.Retention;
import io.tidemark.restore.SnapshotCatalog;
import io.tidemark.schemas.BundleKeys;
import io.tidemark.schemas.SnapshotKeys;
import io.tidemark.sinks.s3.S3BundleStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "prune", mixinStandardHelpOptions = true,
    description = {"Applies the retention settings to the repository: snapshots beyond"
        + " --keep-max or older than --max-age go, except the newest --keep-min and the snapshot"
        + " the oldest recoverable point starts from; change bundles that end before the oldest"
        + " kept snapshot go with them, and so do abandoned (never finished) snapshots.",
        "Prints the plan and deletes nothing unless --yes is given."})
final class PruneCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Mixin RepositoryOption repository;

  @Option(names = "--keep-max", paramLabel = "N", description = "retention.max-snapshots")
  Integer keepMax;

  @Option(names = "--keep-min", paramLabel = "N", description = "retention.min-snapshots")
  Integer keepMin;

  @Option(names = "--max-age", paramLabel = "DURATION",
      description = "retention.max-age, e.g. 30d")
  String maxAge;

  @Option(names = "--yes", description = "delete; without it, only show what would go")
  boolean yes;

  @Override
  public Integer call() throws Exception {
    ConfigReader reader = config.read(ConfigOptions.flags(ConfigKey.REPOSITORY, repository.url,
        ConfigKey.KEEP_MAX, keepMax, ConfigKey.KEEP_MIN, keepMin, ConfigKey.KEEP_AGE, maxAge));
    Repository repo = reader.repository();
    int max = reader.intAtLeast(ConfigKey.KEEP_MAX, 0);
    int min = reader.intAtLeast(ConfigKey.KEEP_MIN, 1);
    Duration age = reader.optional(ConfigKey.KEEP_AGE).isPresent()
        ? reader.duration(ConfigKey.KEEP_AGE) : null;
    if (max == 0 && age == null) {
      reader.problem("no retention is set: give --keep-max N (retention.max-snapshots) or"
          + " --max-age DURATION (retention.max-age)");
    }
    reader.check();
    try (RepositoryAccess access = RepositoryAccess.open(repo)) {
      return prune(access, new Retention(max, min, age));
    }
  }

  private int prune(RepositoryAccess access, Retention retention) {
    SnapshotCatalog snapshots = SnapshotCatalog.read(access.s3(), access.bucket(),
        access.prefix());
    Retention.Plan plan = retention.plan(snapshots.snapshots(), SystemClock.INSTANT.instant());
    List<String> bundles = plan.oldestKeptPosition()
        .map(p -> BundleCatalog.read(access.s3(), access.bucket(), access.prefix())
            .bundlesEndingBefore(access.s3(), p))
        .orElse(List.of());
    List<String> abandoned = snapshots.abandoned();
    for (Map.Entry<String, String> e : plan.deleteSnapshots().entrySet()) {
      System.out.println((yes ? "deleting" : "would delete") + " snapshot " + e.getKey() + " ("
          + e.getValue() + ", " + snapshots.bytes(e.getKey()) + " bytes)");
    }
    abandoned.forEach(id -> System.out.println((yes ? "deleting" : "would delete")
        + " abandoned snapshot " + id + " (no manifest; " + snapshots.bytes(id) + " bytes)"));
    System.out.println((yes ? "deleting " : "would delete ") + bundles.size()
        + " change bundles that end before the oldest kept snapshot");
    System.out.println("keeping snapshots " + plan.keepSnapshots());
    if (!yes) {
      System.out.println("dry run: nothing was deleted; add --yes to delete");
      return ExitCodes.OK;
    }
    S3BundleStore store = new S3BundleStore(access.s3(), access.bucket());
    List<String> gone = new ArrayList<>(plan.deleteSnapshots().keySet());
    gone.addAll(abandoned);
    for (String id : gone) {
      store.deleteAll(SnapshotKeys.root(access.prefix()) + id + "/");
    }
    Map<String, String> lastPerPartition = new java.util.TreeMap<>();
    bundles.forEach(key -> lastPerPartition.merge(BundleKeys.prunedMarker(key), key,
        (a, b) -> a.compareTo(b) > 0 ? a : b));
    lastPerPartition.values().forEach(store::markPruned); // before the bundles go
    store.delete(bundles);
    System.out.println("pruned " + gone.size() + " snapshots and " + bundles.size()
        + " change bundles");
    return ExitCodes.OK;
  }
}
