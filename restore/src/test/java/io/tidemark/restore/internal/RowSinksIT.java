package io.tidemark.restore.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.schemas.avro.Column;
import io.tidemark.testkit.MariaDbServer;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Snapshot rows written into a real server by both load paths. */
class RowSinksIT {
  @RegisterExtension
  static final TargetServer target = new TargetServer("load");

  private String db;

  @BeforeEach
  void freshTables() {
    db = target.database();
    target.server().execute(
        "CREATE TABLE " + db + ".a (id INT PRIMARY KEY, s VARCHAR(20), b BLOB)",
        "CREATE TABLE " + db + ".b (id INT PRIMARY KEY, v BIGINT)");
  }

  @Test
  void rowsOfInterleavedTablesLoadInOneStatementPerTable() throws SQLException {
    assertThat(statementsFor(c -> new LoadDataWriter(c, new TableTurns()), "Com_load")).as("LOAD DATA statements")
        .isEqualTo(2);
    assertLoaded(600);
  }

  @Test
  void rowsOfInterleavedTablesInsertInOneStatementPerTable() throws SQLException {
    assertThat(statementsFor(RowInserter::new, "Com_insert")).as("INSERT statements")
        .isEqualTo(2);
    assertLoaded(600);
  }

  @Test
  void pendingRowsOfAllTablesStayWithinTheByteBudget() throws SQLException {
    try (Connection c = connect()) {
      c.setAutoCommit(false);
      LoadDataWriter writer = new LoadDataWriter(c, new TableTurns(), 16 << 10);
      long before = statements(c, "Com_load");
      addInterleaved(writer, 3000); // ~50 KiB of text
      long beforeFlush = statements(c, "Com_load") - before;
      writer.flush();
      c.commit();
      assertThat(beforeFlush).as("statements sent before the flush, to stay within 16 KiB")
          .isGreaterThanOrEqualTo(1);
    }
    assertLoaded(3000);
  }

  /** Writes 600 interleaved rows with the sink and commits; returns the statements counted. */
  private long statementsFor(SinkFactory factory, String counter) throws SQLException {
    try (Connection c = connect()) {
      c.setAutoCommit(false);
      RowSink sink = factory.open(c);
      long before = statements(c, counter);
      addInterleaved(sink, 600);
      sink.flush();
      c.commit();
      return statements(c, counter) - before;
    }
  }

  private interface SinkFactory {
    RowSink open(Connection c) throws SQLException;
  }

  /** Runs of three rows, table a then table b, as a snapshot's chunk bundles interleave them. */
  private void addInterleaved(RowSink sink, int rows) throws SQLException {
    for (int i = 0; i < rows; i++) {
      if (i / 3 % 2 == 0) {
        sink.add(SnapshotRows.of(db, "a", List.of(new Column("id", (long) i), new Column("s", "row\t" + i),
            new Column("b", ByteBuffer.wrap(new byte[] {(byte) i, 0, 10})))));
      } else {
        sink.add(SnapshotRows.of(db, "b",
            List.of(new Column("id", (long) i), new Column("v", i * 1000L))));
      }
    }
  }

  private void assertLoaded(int rows) {
    MariaDbServer server = target.server();
    int half = rows / 2;
    assertThat(server.queryValue("SELECT CONCAT(COUNT(*), ' ', SUM(id)) FROM " + db + ".a"))
        .isEqualTo(half + " " + sumOfA(rows));
    assertThat(server.queryValue("SELECT CONCAT(COUNT(*), ' ', SUM(v)) FROM " + db + ".b"))
        .isEqualTo(half + " " + (((long) rows * (rows - 1) / 2 - sumOfA(rows)) * 1000));
    assertThat(server.queryValue("SELECT CONCAT(s, '|', HEX(b)) FROM " + db + ".a WHERE id = 7"))
        .isEqualTo("row\t7|07000A");
  }

  private static long sumOfA(int rows) {
    long sum = 0;
    for (int i = 0; i < rows; i++) {
      sum += i / 3 % 2 == 0 ? i : 0;
    }
    return sum;
  }

  /** A statement counter of this session, e.g. {@code Com_load}. */
  private static long statements(Connection c, String counter) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SHOW SESSION STATUS LIKE '" + counter + "'")) {
      r.next();
      return r.getLong(2);
    }
  }

  private static Connection connect() throws SQLException {
    return target.connect("&allowLocalInfile=true");
  }
}
