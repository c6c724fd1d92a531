package io.tidemark.capture;

/**
 * How a snapshot reads the source.
 *
 * @param threads connections reading chunks in parallel, each in its own consistent-snapshot
 *     transaction opened at the same source position
 * @param chunkRows target rows per chunk of a table with a single-column integer primary key
 * @param fetchRows the most rows the JDBC driver fetches at once; tables whose rows can be
 *     large fetch fewer, down to one, so that a thread's fetch holds at most 64 MiB or one row
 */
public record SnapshotSettings(int threads, long chunkRows, int fetchRows) {
  public static final SnapshotSettings DEFAULT = new SnapshotSettings(2, 100_000, 1_000);

  public SnapshotSettings {
    if (threads < 1 || chunkRows < 1 || fetchRows < 1) {
      throw new IllegalArgumentException("snapshot threads, chunk rows and fetch rows must be"
          + " positive: " + threads + ", " + chunkRows + ", " + fetchRows);
    }
  }
}
