package io.tidemark.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JdbcRowsTest {
  @Test
  void aFetchHoldsAtMost64MiBOrOneRow() {
    long row = JdbcRows.ROW_LIMIT;
    assertThat(JdbcRows.fetchRows(row, 1_000)).as("no BLOB or TEXT").isEqualTo(1_000);
    assertThat(JdbcRows.fetchRows(row + 65_535, 1_000)).as("a BLOB").isEqualTo(512);
    assertThat(JdbcRows.fetchRows(row + 16_777_215, 1_000)).as("a MEDIUMBLOB").isEqualTo(3);
    assertThat(JdbcRows.fetchRows(row + 0xFFFF_FFFFL, 1_000)).as("a LONGBLOB").isEqualTo(1);
    assertThat(JdbcRows.fetchRows(row + 2 * 0xFFFF_FFFFL, 1_000)).as("two").isEqualTo(1);
  }
}
