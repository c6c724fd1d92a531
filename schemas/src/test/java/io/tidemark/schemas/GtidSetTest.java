package io.tidemark.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GtidSetTest {

  @Test
  void coversWhenAtLeastAsFarInEveryDomain() {
    GtidSet at = GtidSet.parse("0-1-42,1-7-3");
    assertThat(at.covers(GtidSet.parse("0-1-42"))).isTrue();
    assertThat(at.covers(GtidSet.parse("0-2-41,1-7-3"))).isTrue();
    assertThat(at.covers(GtidSet.parse("0-1-43"))).isFalse();
    assertThat(at.covers(GtidSet.parse("2-1-1"))).as("a domain it has not seen").isFalse();
    assertThat(at.covers(GtidSet.parse(""))).isTrue();
    assertThat(GtidSet.parse("").covers(at)).isFalse();
  }

  @Test
  void aBadGtidIsNamedInTheError() {
    assertThatThrownBy(() -> GtidSet.parse("0-1-2,banana"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'banana'");
  }
}
