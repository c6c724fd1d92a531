package io.tidemark.restore.internal;

import io.tidemark.restore.SqlNames;
import io.tidemark.schemas.JdbcRows;
import io.tidemark.schemas.RowChecksum;
import io.tidemark.schemas.avro.SnapshotManifest;
import io.tidemark.schemas.avro.TableManifest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Finishes and checks every loaded table: its deferred indexes are built ({@link
 * DeferredIndexes#rebuild}), then {@code CHECK TABLE} must find it sound, and read back through
 * the same canonical row form the snapshot used, its row count and checksum must equal the
 * manifest's. Tables spread over {@code threads} connections, the largest first, so one
 * table's index build on the server overlaps another's read-back in the JVM.
 */
public final class ManifestCheck {
  private ManifestCheck() {}

  /** One line per table that differs; empty when the target holds exactly the snapshot. */
  public static List<String> mismatches(SnapshotLoader.ConnectionFactory connections,
      SnapshotManifest manifest, int fetchRows, int threads)
      throws SQLException, InterruptedException {
    List<TableManifest> tables = new ArrayList<>(manifest.getTables());
    tables.sort(Comparator.comparingLong(TableManifest::getRows).reversed());
    List<String> problems = Collections.synchronizedList(new ArrayList<>());
    ConnectionWorkers.run("tidemark-check", threads, connections,
        ConnectionWorkers.inOrder(tables), c -> t -> {
      check(c, t, fetchRows).ifPresent(problems::add);
      return 0;
    });
    problems.sort(null);
    return problems;
  }

  private static Optional<String> check(Connection c, TableManifest t, int fetchRows)
      throws SQLException {
    DeferredIndexes.rebuild(c, t.getDatabase(), t.getTable());
    String table = SqlNames.quote(t.getDatabase()) + "." + SqlNames.quote(t.getTable());
    // Rows of Table, Op, Msg_type, Msg_text: a sound table ends with "status: OK"; an engine
    // that cannot check says so in a note, which is no finding.
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("CHECK TABLE " + table)) {
      while (r.next()) {
        String type = r.getString(3);
        String text = r.getString(4);
        if ("error".equalsIgnoreCase(type)
            || "status".equalsIgnoreCase(type) && !"OK".equalsIgnoreCase(text)) {
          return Optional.of(t.getDatabase() + "." + t.getTable() + ": CHECK TABLE says " + type
              + ": " + text);
        }
      }
    }
    RowChecksum sum = new RowChecksum();
    // The same select list the snapshot read with, so every value compares exactly.
    try (PreparedStatement s = c.prepareStatement("SELECT "
        + JdbcRows.selectList(c, t.getDatabase(), t.getTable()) + " FROM " + table)) {
      s.setFetchSize(JdbcRows.fetchRows(c, t.getDatabase(), t.getTable(), fetchRows));
      try (ResultSet r = s.executeQuery()) {
        JdbcRows rows = new JdbcRows(r.getMetaData());
        while (r.next()) {
          sum.add(rows.read(r));
        }
      }
    }
    if (sum.rows() == t.getRows() && sum.hex().equals(t.getChecksum())) {
      return Optional.empty();
    }
    return Optional.of(t.getDatabase() + "." + t.getTable() + ": snapshot has " + t.getRows()
        + " rows (checksum " + t.getChecksum() + "), target has " + sum.rows() + " (checksum "
        + sum.hex() + ")");
  }
}
