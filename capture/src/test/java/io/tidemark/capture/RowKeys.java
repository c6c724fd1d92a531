package io.tidemark.capture;

import io.tidemark.schemas.avro.ChangeEvent;
import io.tidemark.schemas.avro.Operation;
import io.tidemark.testkit.MariaDbServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The primary keys of tables keyed by one integer column {@code id}: as the source holds them,
 * and as a change topic carries them in row events (snapshot rows and inserts), duplicates
 * included. Compares the two for the messages of failed assertions.
 */
final class RowKeys {
  private static final int SHOWN = 10;

  private RowKeys() {}

  /** Table name → every id the source table holds. */
  static Map<String, Set<Long>> inSource(MariaDbServer source, String db, List<String> tables)
      throws SQLException {
    Map<String, Set<Long>> keys = new TreeMap<>();
    try (Connection c = source.connection(); Statement s = c.createStatement()) {
      for (String table : tables) {
        Set<Long> ids = new HashSet<>();
        try (ResultSet r = s.executeQuery("SELECT id FROM " + db + "." + table)) {
          while (r.next()) {
            ids.add(r.getLong(1));
          }
        }
        keys.put(table, ids);
      }
    }
    return keys;
  }

  /** Table name → the id of every snapshot row and insert of the database, in topic order. */
  static Map<String, List<Long>> inTopic(List<ChangeEvent> events, String db) {
    Map<String, List<Long>> keys = new TreeMap<>();
    for (ChangeEvent e : events) {
      add(keys, e, db);
    }
    return keys;
  }

  /** Adds the id of {@code e} to {@code keys} if it is a snapshot row or insert of {@code db}. */
  static void add(Map<String, List<Long>> keys, ChangeEvent e, String db) {
    if (db.equals(e.getDatabase()) && (e.getOperation() == Operation.SNAPSHOT_ROW
        || e.getOperation() == Operation.INSERT)) {
      keys.computeIfAbsent(e.getTable(), t -> new ArrayList<>())
          .add((Long) e.getKey().get(0).getValue());
    }
  }

  /** Events that repeat a key already seen, over all tables. */
  static long duplicates(Map<String, List<Long>> seen) {
    return seen.values().stream().mapToLong(ids -> ids.size() - new HashSet<>(ids).size()).sum();
  }

  /** Whether the topic holds exactly the source's keys, each at least once. */
  static boolean complete(Map<String, Set<Long>> expected, Map<String, List<Long>> seen) {
    return expected.entrySet().stream().allMatch(e -> e.getValue()
        .equals(new HashSet<>(seen.getOrDefault(e.getKey(), List.of()))))
        && expected.keySet().containsAll(seen.keySet());
  }

  /** Per table: expected, missing (a few shown) and unexpected keys. */
  static String report(Map<String, Set<Long>> expected, Map<String, List<Long>> seen) {
    Set<String> tables = new TreeSet<>(expected.keySet());
    tables.addAll(seen.keySet());
    return tables.stream().map(t -> {
      Set<Long> want = expected.getOrDefault(t, Set.of());
      Set<Long> got = new HashSet<>(seen.getOrDefault(t, List.of()));
      Set<Long> missing = new TreeSet<>(want);
      missing.removeAll(got);
      Set<Long> unexpected = new TreeSet<>(got);
      unexpected.removeAll(want);
      return t + ": " + want.size() + " rows in the source, " + got.size() + " keys in the topic, "
          + missing.size() + " missing " + first(missing) + ", " + unexpected.size()
          + " unexpected " + first(unexpected);
    }).collect(Collectors.joining("; "));
  }

  private static List<Long> first(Set<Long> ids) {
    return ids.stream().limit(SHOWN).toList();
  }
}
