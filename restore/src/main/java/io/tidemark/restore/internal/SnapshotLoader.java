package io.tidemark.restore.internal;

import io.tidemark.restore.SqlNames;
import io.tidemark.schemas.BundleContent;
import io.tidemark.schemas.BundleReader;
import io.tidemark.schemas.avro.Column;
import io.tidemark.schemas.avro.DatabaseDefinition;
import io.tidemark.schemas.avro.SnapshotManifest;
import io.tidemark.schemas.avro.SnapshotRecord;
import io.tidemark.schemas.avro.TableManifest;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.PrimitiveIterator;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;

/**
 * Loads a snapshot into a fresh target: databases and tables from the manifest's DDL, then the
 * rows of every chunk bundle, bundles spread over {@code threads} connections, each bundle's
 * rows written on the chosen {@link LoadPath} (without binary logging where the target allows)
 * and committed together with its checkpoint entry. Overlapping bundles (a retried
 * upload) contribute each Kafka offset once: a bundle skips offsets an earlier key covered.
 */
public final class SnapshotLoader {
  private static final java.util.regex.Pattern IF_NOT_EXISTS = java.util.regex.Pattern.compile(
      "^CREATE\\s+(DATABASE|TABLE)(?!\\s+IF\\s+NOT\\s+EXISTS)", java.util.regex.Pattern.CASE_INSENSITIVE);

  private final SnapshotManifest manifest;
  private final Function<String, InputStream> open;
  private final ConnectionFactory connections;
  private final int threads;
  private final LoadPath path;

  /** Opens a target connection prepared for loading. */
  public interface ConnectionFactory {
    Connection open() throws SQLException;
  }

  public SnapshotLoader(SnapshotManifest manifest, Function<String, InputStream> open,
      ConnectionFactory connections, int threads, LoadPath path) {
    this.manifest = manifest;
    this.open = open;
    this.connections = connections;
    this.threads = threads;
    this.path = path;
  }

  /** Creates the manifest's databases and tables; what already exists (a resume) is kept. */
  public void createSchema(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      for (DatabaseDefinition db : manifest.getDatabases()) {
        s.execute(IF_NOT_EXISTS.matcher(db.getDdl()).replaceFirst("CREATE $1 IF NOT EXISTS"));
      }
      for (TableManifest t : manifest.getTables()) {
        s.execute("USE " + SqlNames.quote(t.getDatabase()));
        s.execute(IF_NOT_EXISTS.matcher(t.getDdl()).replaceFirst("CREATE $1 IF NOT EXISTS"));
      }
    }
  }

  /**
   * Loads the rows of the bundles (keys in offset order) but those already {@code loaded};
   * returns the number of rows loaded now. Each bundle's rows commit together with its entry in
   * the checkpoint, and then {@code onLoaded} learns how many they were.
   */
  public long loadRows(List<String> bundleKeys, java.util.Set<String> loaded,
      java.util.function.LongConsumer onLoaded) throws SQLException, InterruptedException {
    LinkedBlockingQueue<Callable<Long>> work = new LinkedBlockingQueue<>();
    long covered = -1;
    for (String key : bundleKeys) {
      long skipUpTo = covered;
      if (!loaded.contains(key)) {
        work.add(() -> {
          long rows = load(key, skipUpTo);
          onLoaded.accept(rows);
          return rows;
        });
      }
      covered = Math.max(covered, lastOffsetOf(key));
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> new Thread(r, "tidemark-load"));
    try {
      List<Future<Long>> results = new ArrayList<>();
      for (Callable<Long> task : work) {
        results.add(pool.submit(task));
      }
      long rows = 0;
      for (Future<Long> f : results) {
        rows += f.get();
      }
      return rows;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof SQLException sql) {
        throw sql;
      }
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  private long load(String key, long skipUpTo) throws SQLException, IOException {
    try (Connection c = connections.open(); InputStream in = open.apply(key);
        BundleReader<SnapshotRecord> reader = new BundleReader<>(BundleContent.SNAPSHOT, in, key)) {
      LoadPath.skipBinlog(c);
      c.setAutoCommit(false);
      PrimitiveIterator.OfLong offsets = reader.metadata().offsetRuns().iterator();
      RowSink inserter = path.open(c);
      long rows = 0;
      while (reader.hasNext()) {
        SnapshotRecord r = reader.next();
        if (offsets.nextLong() <= skipUpTo) {
          continue;
        }
        List<Column> row = r.getRow();
        inserter.add(r.getDatabase(), r.getTable(), row);
        rows++;
      }
      inserter.flush();
      Checkpoint.loaded(c, key);
      c.commit(); // only after the bundle's hash was verified by the reader's last hasNext()
      return rows;
    }
  }

  /** The last offset in a key's name: {@code .../<first>-<last>.avro}. */
  static long lastOffsetOf(String key) {
    String name = key.substring(key.lastIndexOf('/') + 1, key.length() - ".avro".length());
    return Long.parseLong(name.substring(name.indexOf('-') + 1));
  }
}
