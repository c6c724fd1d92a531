package io.tidemark.restore.internal;

import io.tidemark.restore.SqlNames;
import io.tidemark.schemas.avro.TableManifest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Secondary indexes built once after the snapshot load instead of row by row during it.
 *
 * <p>Only plain non-unique {@code KEY}s are deferred: the primary key and unique keys stay, so
 * the load still refuses a duplicate and InnoDB keeps its clustered key; FULLTEXT and SPATIAL
 * keys stay (InnoDB adds one FULLTEXT index per ALTER); tables that have a foreign key or that
 * one references keep all their indexes (the server refuses to drop an index a constraint
 * needs). Each definition is recorded in the checkpoint ({@value #TABLE}) and committed before
 * its index is dropped, and {@link #rebuild} re-adds what is recorded and missing, one ALTER
 * TABLE per table, then forgets it: a restore killed at any moment ends, on resume, with every
 * index. Stateless: tables rebuild on any connections, several at once.
 */
public final class DeferredIndexes {
  static final String TABLE = Checkpoint.DATABASE + ".deferred_index";
  private static final Logger log = LoggerFactory.getLogger(DeferredIndexes.class);
  private static final Pattern KEY_LINE = Pattern.compile(
      "^\\s*(KEY\\s+`((?:[^`]|``)+)`\\s.*?),?\\s*$", Pattern.MULTILINE);

  private DeferredIndexes() {}

  /** Records and drops the deferrable indexes of {@code tables}; a resume repeats it safely. */
  public static void drop(Connection c, List<TableManifest> tables) throws SQLException {
    createTable(c);
    for (TableManifest t : tables) {
      if (hasForeignKeys(c, t.getDatabase(), t.getTable())) {
        continue;
      }
      Map<String, String> keys = plainKeys(showCreate(c, t.getDatabase(), t.getTable()));
      if (keys.isEmpty()) {
        continue;
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT IGNORE INTO " + TABLE
          + " VALUES (?, ?, ?, ?)")) {
        for (Map.Entry<String, String> k : keys.entrySet()) {
          ps.setString(1, t.getDatabase());
          ps.setString(2, t.getTable());
          ps.setString(3, k.getKey());
          ps.setString(4, k.getValue());
          ps.executeUpdate();
        }
      }
      commitIfTransactional(c);
      List<String> drops = keys.keySet().stream().map(k -> "DROP KEY " + SqlNames.quote(k))
          .toList();
      alter(c, t.getDatabase(), t.getTable(), drops);
      log.info("indexes {} of {}.{} deferred until the snapshot is loaded", keys.keySet(),
          t.getDatabase(), t.getTable());
    }
  }

  /**
   * Re-adds the recorded indexes of one table that the target lacks, in one ALTER TABLE, then
   * forgets them. Tables rebuild independently, each on any connection.
   */
  public static void rebuild(Connection c, String db, String table) throws SQLException {
    createTable(c);
    List<String> recorded = new ArrayList<>();
    List<String> adds = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT index_name, definition FROM " + TABLE
        + " WHERE database_name = ? AND table_name = ? ORDER BY index_name")) {
      ps.setString(1, db);
      ps.setString(2, table);
      try (ResultSet r = ps.executeQuery()) {
        while (r.next()) {
          recorded.add(r.getString(1));
          if (!exists(c, db, table, r.getString(1))) {
            adds.add("ADD " + r.getString(2));
          }
        }
      }
    }
    if (recorded.isEmpty()) {
      return;
    }
    alter(c, db, table, adds); // nothing to add after a kill between the ALTER and the DELETE
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + TABLE
        + " WHERE database_name = ? AND table_name = ?")) {
      ps.setString(1, db);
      ps.setString(2, table);
      ps.executeUpdate();
    }
    commitIfTransactional(c);
    log.info("deferred indexes {} of {}.{} built", recorded, db, table);
  }

  /** The plain KEY lines of a SHOW CREATE TABLE text: index name to its definition. */
  static Map<String, String> plainKeys(String createTable) {
    Map<String, String> keys = new LinkedHashMap<>();
    Matcher m = KEY_LINE.matcher(createTable);
    while (m.find()) {
      keys.put(m.group(2).replace("``", "`"), m.group(1));
    }
    return keys;
  }

  private static void createTable(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (database_name VARCHAR(64) NOT NULL,"
          + " table_name VARCHAR(64) NOT NULL, index_name VARCHAR(64) NOT NULL,"
          + " definition TEXT NOT NULL, PRIMARY KEY (database_name, table_name, index_name))"
          + " ENGINE=InnoDB");
    }
  }

  private static String showCreate(Connection c, String db, String table) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SHOW CREATE TABLE "
        + SqlNames.quote(db) + "." + SqlNames.quote(table))) {
      r.next();
      return r.getString(2);
    }
  }

  private static boolean hasForeignKeys(Connection c, String db, String table)
      throws SQLException {
    return any(c, "SELECT COUNT(*) FROM information_schema.referential_constraints WHERE"
        + " (constraint_schema = ? AND table_name = ?) OR (unique_constraint_schema = ? AND"
        + " referenced_table_name = ?)", db, table, db, table);
  }

  private static boolean exists(Connection c, String db, String table, String index)
      throws SQLException {
    return any(c, "SELECT COUNT(*) FROM information_schema.statistics WHERE table_schema = ?"
        + " AND table_name = ? AND index_name = ?", db, table, index);
  }

  private static boolean any(Connection c, String countSql, String... params)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(countSql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setString(i + 1, params[i]);
      }
      try (ResultSet r = ps.executeQuery()) {
        r.next();
        return r.getLong(1) > 0;
      }
    }
  }

  private static void alter(Connection c, String db, String table, List<String> clauses)
      throws SQLException {
    if (clauses.isEmpty()) {
      return;
    }
    try (Statement s = c.createStatement()) {
      s.execute("ALTER TABLE " + SqlNames.quote(db) + "." + SqlNames.quote(table) + " "
          + String.join(", ", clauses));
    }
  }

  private static void commitIfTransactional(Connection c) throws SQLException {
    if (!c.getAutoCommit()) {
      c.commit();
    }
  }
}
