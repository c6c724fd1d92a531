package io.tidemark.restore.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidemark.schemas.avro.ChangeEvent;
import io.tidemark.schemas.avro.Column;
import io.tidemark.schemas.avro.Operation;
import io.tidemark.schemas.avro.Position;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class PacketLimitTest {
  private static final String SQL = "INSERT INTO `d`.`t` (`b`) VALUES (?)";

  @Test
  void countsEveryByteThatTheTextProtocolEscapesTwice() {
    byte[] b = {0, '\'', '"', '\\', '\r', '\n', 0x1a, 'a', (byte) 0xff};
    long plain = PacketLimit.textSize(SQL, List.of(new Column("b", ByteBuffer.wrap(new byte[9]).position(9))));

    assertThat(PacketLimit.textSize(SQL, List.of(new Column("b", ByteBuffer.wrap(b)))))
        .isEqualTo(plain + 9 + 7);
  }

  @Test
  void measuresTextAsUtf8() {
    long empty = PacketLimit.textSize(SQL, List.of(new Column("s", "")));

    assertThat(PacketLimit.textSize(SQL, List.of(new Column("s", "\u00fc\uD83D\uDE42'"))))
        .isEqualTo(empty + 2 + 4 + 2);
  }

  @Test
  void refusesAStatementLargerThanTheTargetAcceptsAndNamesTheFix() {
    List<Column> values = List.of(new Column("b", ByteBuffer.wrap(new byte[16 << 20])));
    long size = PacketLimit.textSize(SQL, values);

    assertThatCode(() -> new PacketLimit(size).check(event(), SQL, values)).doesNotThrowAnyException();
    assertThatThrownBy(() -> new PacketLimit(size - 1).check(event(), SQL, values))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("max_allowed_packet is " + (size - 1))
        .hasMessageContaining("at least " + size + " bytes").hasMessageContaining("d.t");
  }

  private static ChangeEvent event() {
    return ChangeEvent.newBuilder()
        .setPosition(Position.newBuilder().setServerId(1).setFile("mysql-bin.000001").setPos(4)
            .setRow(0).setTimestampMs(0).build())
        .setDatabase("d").setTable("t").setOperation(Operation.INSERT).build();
  }
}
