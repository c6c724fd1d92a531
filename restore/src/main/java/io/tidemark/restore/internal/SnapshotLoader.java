package io.tidemark.restore.internal;

import io.tidemark.restore.SqlNames;
import io.tidemark.schemas.BundleContent;
import io.tidemark.schemas.BundleReader;
import io.tidemark.schemas.CorruptBundleException;
import io.tidemark.schemas.SnapshotRow;
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
   * returns the number of rows loaded now. {@code threads} workers take bundles, each from its
   * own stretch of the list ({@link Stretches}), each on its own connection and writer kept for
   * all its bundles (a connection and the writer's column look-ups per bundle cost more than
   * loading its rows); the writers take turns at the tables ({@link TableTurns}). Each bundle's
   * rows commit
   * together with its entry in the checkpoint, and then {@code onLoaded} learns how many they
   * were. The first failure stops every worker after its current bundle.
   */
  public long loadRows(List<String> bundleKeys, java.util.Set<String> loaded,
      java.util.function.LongConsumer onLoaded) throws SQLException, InterruptedException {
    List<Bundle> work = new ArrayList<>();
    long covered = -1;
    for (String key : bundleKeys) {
      if (!loaded.contains(key)) {
        work.add(new Bundle(key, covered));
      }
      covered = Math.max(covered, lastOffsetOf(key));
    }
    TableTurns turns = new TableTurns();
    return ConnectionWorkers.run("tidemark-load", threads, connections,
        new Stretches<>(work, threads), c -> {
      LoadPath.skipBinlog(c);
      c.setAutoCommit(false);
      RowSink sink = path.open(c, turns);
      return b -> {
        long loadedNow = load(c, sink, b);
        onLoaded.accept(loadedNow);
        return loadedNow;
      };
    });
  }

  /** A bundle to load, and the highest offset the bundles before it already cover. */
  private record Bundle(String key, long skipUpTo) {}

  private long load(Connection c, RowSink sink, Bundle bundle) throws SQLException, IOException {
    try (InputStream in = open.apply(bundle.key());
        BundleReader<SnapshotRecord> reader = new BundleReader<>(BundleContent.SNAPSHOT, in,
            bundle.key())) {
      PrimitiveIterator.OfLong offsets = reader.metadata().offsetRuns().iterator();
      SnapshotRow row = rowOf(reader, bundle.key());
      long rows = 0;
      while (reader.hasNext()) {
        reader.next(row::read);
        if (offsets.nextLong() <= bundle.skipUpTo()) {
          continue;
        }
        sink.add(row);
        rows++;
      }
      sink.flush();
      Checkpoint.loaded(c, bundle.key());
      c.commit(); // only after the bundle's hash was verified by the reader's last hasNext()
      return rows;
    } catch (SQLException | IOException | RuntimeException e) {
      c.rollback();
      throw e;
    }
  }

  private static SnapshotRow rowOf(BundleReader<SnapshotRecord> reader, String key) {
    try {
      return new SnapshotRow(reader.writerSchema());
    } catch (IllegalArgumentException e) {
      throw new CorruptBundleException("'" + key + "': " + e.getMessage());
    }
  }

  /** The last offset in a key's name: {@code .../<first>-<last>.avro}. */
  static long lastOffsetOf(String key) {
    String name = key.substring(key.lastIndexOf('/') + 1, key.length() - ".avro".length());
    return Long.parseLong(name.substring(name.indexOf('-') + 1));
  }
}
