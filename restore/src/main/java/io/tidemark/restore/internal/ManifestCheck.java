package io.tidemark.restore.internal;

import io.tidemark.restore.SqlNames;
import io.tidemark.schemas.JdbcRows;
import io.tidemark.schemas.RowChecksum;
import io.tidemark.schemas.avro.SnapshotManifest;
import io.tidemark.schemas.avro.TableManifest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads every loaded table back through the same canonical row form the snapshot used and
 * compares row count and checksum with the manifest.
 */
public final class ManifestCheck {
  private ManifestCheck() {}

  /** One line per table that differs; empty when the target holds exactly the snapshot. */
  public static List<String> mismatches(Connection c, SnapshotManifest manifest, int fetchRows)
      throws SQLException {
    List<String> problems = new ArrayList<>();
    for (TableManifest t : manifest.getTables()) {
      RowChecksum sum = new RowChecksum();
      // The same select list the snapshot read with, so every value compares exactly.
      try (PreparedStatement s = c.prepareStatement("SELECT "
          + JdbcRows.selectList(c, t.getDatabase(), t.getTable()) + " FROM "
          + SqlNames.quote(t.getDatabase()) + "." + SqlNames.quote(t.getTable()))) {
        s.setFetchSize(fetchRows);
        try (ResultSet r = s.executeQuery()) {
          JdbcRows rows = new JdbcRows(r.getMetaData());
          while (r.next()) {
            sum.add(rows.read(r));
          }
        }
      }
      if (sum.rows() != t.getRows() || !sum.hex().equals(t.getChecksum())) {
        problems.add(t.getDatabase() + "." + t.getTable() + ": snapshot has " + t.getRows()
            + " rows (checksum " + t.getChecksum() + "), target has " + sum.rows() + " (checksum "
            + sum.hex() + ")");
      }
    }
    return problems;
  }
}
