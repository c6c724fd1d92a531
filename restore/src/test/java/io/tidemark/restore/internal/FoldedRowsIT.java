package io.tidemark.restore.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidemark.schemas.SourcePosition;
import io.tidemark.schemas.avro.ChangeEvent;
import io.tidemark.schemas.avro.Column;
import io.tidemark.schemas.avro.Operation;
import io.tidemark.testkit.MariaDbServer;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Which tables replay folds, and folded changes written to a real server. */
class FoldedRowsIT {
  @RegisterExtension
  static final TargetServer target = new TargetServer("fold");

  private MariaDbServer server;
  private String db;
  private long pos;

  @BeforeEach
  void freshDatabase() {
    server = target.server();
    db = target.database();
  }

  @Test
  void onlyTablesWhoseChangeOrderCannotMatterAreFoldable() throws SQLException {
    server.execute(
        "CREATE TABLE " + db + ".plain (id INT PRIMARY KEY, v INT, KEY (v))",
        "CREATE TABLE " + db + ".pair (a SMALLINT, b BIGINT, v INT, PRIMARY KEY (a, b))",
        "CREATE TABLE " + db + ".uniq (id INT PRIMARY KEY, email VARCHAR(20) UNIQUE)",
        "CREATE TABLE " + db + ".parent (id INT PRIMARY KEY)",
        "CREATE TABLE " + db + ".child (id INT PRIMARY KEY, p INT, FOREIGN KEY (p) REFERENCES "
            + db + ".parent (id))",
        "CREATE TABLE " + db + ".watched (id INT PRIMARY KEY)",
        "CREATE TRIGGER " + db + ".w AFTER INSERT ON " + db + ".watched FOR EACH ROW SET @x = 1",
        "CREATE TABLE " + db + ".named (name VARCHAR(20) PRIMARY KEY)",
        "CREATE TABLE " + db + ".huge (id BIGINT UNSIGNED PRIMARY KEY)",
        "CREATE TABLE " + db + ".keyless (v INT)",
        "CREATE VIEW " + db + ".seen AS SELECT id FROM " + db + ".plain");
    try (Connection c = connect()) {
      FoldableTables foldable = new FoldableTables(c);
      assertThat(foldable.key(db, "plain")).containsExactly("id");
      assertThat(foldable.key(db, "pair")).containsExactly("a", "b");
      for (String table : List.of("uniq", "parent", "child", "watched", "named", "huge",
          "keyless", "seen")) {
        assertThat(foldable.key(db, table)).as(table).isEmpty();
      }
    }
  }

  @Test
  void foldedChangesLeaveTheRowsAsTheChangesInOrderWould() throws SQLException {
    server.execute("CREATE TABLE " + db + ".t (id INT PRIMARY KEY, v VARCHAR(10))",
        "INSERT INTO " + db + ".t VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd')");
    FoldedRows folded = new FoldedRows();
    fold(folded, Operation.UPDATE, row(1, "a"), row(1, "a2"));
    fold(folded, Operation.UPDATE, row(1, "a2"), row(1, "a3"));
    fold(folded, Operation.DELETE, row(2, "b"), null);
    fold(folded, Operation.UPDATE, row(3, "c"), row(30, "c")); // a primary-key update
    fold(folded, Operation.INSERT, null, row(3, "new 3"));
    fold(folded, Operation.UPDATE, row(4, "d"), row(4, "d")); // a change to the same values
    fold(folded, Operation.INSERT, null, row(5, "e"));
    fold(folded, Operation.INSERT, null, row(6, "brief"));
    fold(folded, Operation.DELETE, row(6, "brief"), null);

    applyAndCommit(folded);

    assertThat(server.queryValue("SELECT GROUP_CONCAT(id, ':', v ORDER BY id) FROM " + db + ".t"))
        .isEqualTo("1:a3,3:new 3,4:d,5:e,30:c");
  }

  @Test
  void aTargetThatDiffersStopsTheReplayNamingTheTable() throws SQLException {
    server.execute("CREATE TABLE " + db + ".t (id INT PRIMARY KEY, v VARCHAR(10))",
        "INSERT INTO " + db + ".t VALUES (1, 'a'), (3, 'c')");
    FoldedRows missingUpdate = new FoldedRows();
    fold(missingUpdate, Operation.UPDATE, row(2, "b"), row(2, "b2"));
    assertThatThrownBy(() -> applyAndCommit(missingUpdate))
        .hasMessageContaining("found 0 of the 1 rows they update")
        .hasMessageContaining(db + ".t").hasMessageContaining("restore into a fresh server");

    FoldedRows missingDelete = new FoldedRows();
    fold(missingDelete, Operation.DELETE, row(1, "a"), null);
    fold(missingDelete, Operation.DELETE, row(2, "b"), null);
    assertThatThrownBy(() -> applyAndCommit(missingDelete))
        .hasMessageContaining("found 1 of the 2 rows they delete");

    FoldedRows presentInsert = new FoldedRows();
    fold(presentInsert, Operation.INSERT, null, row(3, "again"));
    assertThatThrownBy(() -> applyAndCommit(presentInsert))
        .hasMessageContaining("insert a row whose key is already there");

    assertThat(server.queryValue("SELECT GROUP_CONCAT(id, ':', v ORDER BY id) FROM " + db + ".t"))
        .as("nothing half-applied").isEqualTo("1:a,3:c");
  }

  private void applyAndCommit(FoldedRows folded) throws SQLException {
    try (Connection c = connect()) {
      c.setAutoCommit(false);
      try {
        PacketLimit limit = PacketLimit.of(c);
        folded.apply(c, limit, new GeneratedColumns(c), 1 << 20);
        c.commit();
      } finally {
        c.rollback();
      }
    }
  }

  private void fold(FoldedRows folded, Operation op, List<Column> before, List<Column> after) {
    folded.add(ChangeEvent.newBuilder()
        .setPosition(new SourcePosition(1, "bin.000001", ++pos, 0, 0, null, 0, false).toAvro())
        .setDatabase(db).setTable("t").setOperation(op).setBefore(before).setAfter(after)
        .build(), List.of("id"));
  }

  private static List<Column> row(long id, String v) {
    return List.of(new Column("id", id), new Column("v", v));
  }

  private static Connection connect() throws SQLException {
    return target.connect("&allowMultiQueries=true");
  }
}
