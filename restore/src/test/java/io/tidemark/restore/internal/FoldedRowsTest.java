package io.tidemark.restore.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidemark.schemas.SourcePosition;
import io.tidemark.schemas.avro.ChangeEvent;
import io.tidemark.schemas.avro.Column;
import io.tidemark.schemas.avro.Operation;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FoldedRowsTest {
  private static final List<String> KEY = List.of("id");
  private final FoldedRows folded = new FoldedRows();
  private long pos;

  @Test
  void eachRowEndsAsItsLastChangeLeftIt() {
    add(Operation.UPDATE, row(1, "a"), row(1, "b")); // updated twice: the last image
    add(Operation.UPDATE, row(1, "b"), row(1, "c"));
    add(Operation.DELETE, row(2, "x"), null); // deleted and inserted again
    add(Operation.INSERT, null, row(2, "y"));
    add(Operation.INSERT, null, row(3, "n")); // inserted and deleted: nothing to write
    add(Operation.DELETE, row(3, "n"), null);
    add(Operation.INSERT, null, row(4, "new")); // inserted, then updated
    add(Operation.UPDATE, row(4, "new"), row(4, "newer"));
    add(Operation.DELETE, row(5, "gone"), null);

    assertThat(folded.goneKeys().get("db.t")).containsExactly(List.of(5L));
    assertThat(values(folded.finalImages(true))).containsExactly("1:c", "2:y");
    assertThat(values(folded.finalImages(false))).containsExactly("4:newer");
  }

  @Test
  void aPrimaryKeyUpdateRemovesTheOldKeyAndWritesTheNewOne() {
    add(Operation.UPDATE, row(1, "a"), row(10, "a"));
    add(Operation.INSERT, null, row(1, "again")); // the freed key taken by a new row

    assertThat(folded.goneKeys().get("db.t")).isEmpty();
    assertThat(values(folded.finalImages(true))).containsExactly("1:again");
    assertThat(values(folded.finalImages(false))).containsExactly("10:a");
  }

  @Test
  void changesTheSourceOrderMakesImpossibleMeanTheTargetDiverged() {
    add(Operation.INSERT, null, row(1, "a"));
    assertThatThrownBy(() -> add(Operation.INSERT, null, row(1, "b")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("inserts a row whose key is already there").hasMessageContaining("db.t");
    add(Operation.DELETE, row(2, "a"), null);
    assertThatThrownBy(() -> add(Operation.UPDATE, row(2, "a"), row(2, "b")))
        .hasMessageContaining("updates a row that is not there");
    assertThatThrownBy(() -> add(Operation.DELETE, row(2, "a"), null))
        .hasMessageContaining("deletes a row that is not there");
  }

  @Test
  void isFullOnceItHoldsTheMostRowsItMay() {
    for (int id = 0; id < FoldedRows.MAX_ROWS - 1; id++) {
      add(Operation.INSERT, null, row(id, "v"));
    }
    assertThat(folded.isFull()).isFalse();
    add(Operation.INSERT, null, row(FoldedRows.MAX_ROWS, "v"));
    assertThat(folded.isFull()).isTrue();
  }

  @Test
  void aKeyThatIsNotAnIntegerInTheEventIsRefusedWithTheFix() {
    List<Column> textKey = List.of(new Column("id", "1"), new Column("v", "a"));
    assertThatThrownBy(() -> add(Operation.INSERT, null, textKey))
        .hasMessageContaining("no integer value for the target's primary-key column id")
        .hasMessageContaining("restore into a fresh server");
  }

  private void add(Operation op, List<Column> before, List<Column> after) {
    folded.add(ChangeEvent.newBuilder()
        .setPosition(new SourcePosition(1, "bin.000001", ++pos, 0, 0, null, 0, false).toAvro())
        .setDatabase("db").setTable("t").setOperation(op).setBefore(before).setAfter(after)
        .build(), KEY);
  }

  private static List<Column> row(long id, String v) {
    return List.of(new Column("id", id), new Column("v", v));
  }

  private static List<String> values(Map<String, List<List<Column>>> images) {
    return images.get("db.t").stream()
        .map(r -> r.get(0).getValue() + ":" + r.get(1).getValue()).sorted().toList();
  }
}
