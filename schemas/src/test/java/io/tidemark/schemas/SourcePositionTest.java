package io.tidemark.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SourcePositionTest {
  private static final long SEED = 20261122L;

  @Test
  void ordersByFileSequenceNotByName() {
    SourcePosition nine = pos("mysql-bin.999999", 900, 0, false);
    SourcePosition next = pos("mysql-bin.1000000", 4, 0, false);
    assertThat(nine).isLessThan(next);
  }

  @Test
  void snapshotSortsBeforeTheStreamedEventAtItsPosition() {
    assertThat(pos("b.000002", 100, 0, true)).isLessThan(pos("b.000002", 100, 0, false));
    assertThat(pos("b.000002", 100, 0, true)).isGreaterThan(pos("b.000002", 99, 7, false));
  }

  @Test
  void compareToIsATotalOrderOnRandomPositions() {
    Random random = new Random(SEED);
    List<SourcePosition> ps = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      ps.add(pos("mysql-bin.00000" + random.nextInt(3), random.nextInt(4), random.nextInt(3),
          random.nextBoolean()));
    }
    for (SourcePosition a : ps) {
      assertThat(a.compareTo(a)).isZero();
      for (SourcePosition b : ps) {
        assertThat(Integer.signum(a.compareTo(b))).isEqualTo(-Integer.signum(b.compareTo(a)));
        for (SourcePosition c : ps) {
          if (a.compareTo(b) <= 0 && b.compareTo(c) <= 0) {
            assertThat(a.compareTo(c)).as("%s <= %s <= %s", a, b, c).isLessThanOrEqualTo(0);
          }
        }
      }
    }
  }

  @Test
  void formatThenParseIsIdentityOnRandomPositions() {
    Random random = new Random(SEED + 1);
    for (int i = 0; i < 500; i++) {
      SourcePosition p = new SourcePosition(random.nextInt(1 << 20), "bin." + random.nextInt(99999),
          random.nextLong() & Long.MAX_VALUE, 0, random.nextInt(1000),
          random.nextBoolean() ? null : "0-1-" + random.nextInt(), random.nextLong(),
          random.nextBoolean());
      assertThat(SourcePosition.parse(p.format())).isEqualTo(p);
      assertThat(SourcePosition.fromAvro(p.toAvro())).isEqualTo(p);
    }
  }

  @Test
  void rejectsAFileNameWithoutSequenceAndNamesIt() {
    assertThatThrownBy(() -> pos("binlog", 4, 0, false))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'binlog'");
    assertThatThrownBy(() -> SourcePosition.parse("garbage"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'garbage'");
  }

  static SourcePosition pos(String file, long pos, int row, boolean snapshot) {
    return new SourcePosition(1, file, pos, 0, row, null, 0, snapshot);
  }
}
