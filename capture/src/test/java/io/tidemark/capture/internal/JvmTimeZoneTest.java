package io.tidemark.capture.internal;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.ZoneId;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JvmTimeZoneTest {
  @ParameterizedTest
  @ValueSource(strings = {"UTC", "Etc/UTC", "GMT", "Z", "+00:00"})
  void acceptsUtcUnderAnyName(String zone) {
    assertThatCode(() -> JvmTimeZone.requireUtc(ZoneId.of(zone))).doesNotThrowAnyException();
  }

  @ParameterizedTest
  @ValueSource(strings = {"Europe/Berlin", "Europe/London", "Asia/Kolkata", "+05:30", "-01:00"})
  void refusesAnyOtherZoneAndNamesTheFix(String zone) {
    assertThatThrownBy(() -> JvmTimeZone.requireUtc(ZoneId.of(zone)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("-Duser.timezone=UTC");
  }
}
