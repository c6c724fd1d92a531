package io.tidemark.schemas;

import io.tidemark.schemas.avro.Column;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Seeded random rows with every kind of canonical column value, edge values included. */
final class RandomRows {
  private static final Object[] EDGES = {null, true, false, 0L, -1L, Long.MIN_VALUE,
      Long.MAX_VALUE, 63L, 64L, -64L, -65L, 0.0, -0.0, Double.NaN, Double.longBitsToDouble(0x7ff8dead0000beefL),
      Double.NEGATIVE_INFINITY, Double.MIN_VALUE, "", "é", "\uD83D\uDE00 4-byte", "0000-00-00 00:00:00.000000",
      "18446744073709551615", ByteBuffer.allocate(0)};

  private final Random random;

  RandomRows(long seed) {
    random = new Random(seed);
  }

  List<Column> row() {
    int n = random.nextInt(12);
    List<Column> row = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      row.add(new Column(i % 3 == 0 ? "c" + i : "colonne_é" + i, value()));
    }
    return row;
  }

  private Object value() {
    return switch (random.nextInt(7)) {
      case 0 -> EDGES[random.nextInt(EDGES.length)];
      case 1 -> random.nextLong() >> random.nextInt(64);
      case 2 -> random.nextDouble() * random.nextInt();
      case 3 -> text();
      case 4 -> bytes();
      case 5 -> random.nextBoolean();
      default -> null;
    };
  }

  private String text() {
    StringBuilder s = new StringBuilder();
    int n = random.nextInt(random.nextInt(10) == 0 ? 5000 : 40);
    for (int i = 0; i < n; i++) {
      s.appendCodePoint(random.nextInt(10) == 0 ? 0x1F600 + random.nextInt(50) : 32 + random.nextInt(300));
    }
    return s.toString();
  }

  /** Sometimes a slice with a non-zero position, as a driver's buffer may be. */
  private ByteBuffer bytes() {
    byte[] b = new byte[random.nextInt(random.nextInt(10) == 0 ? 70_000 : 30) + 4];
    random.nextBytes(b);
    return random.nextBoolean() ? ByteBuffer.wrap(b) : ByteBuffer.wrap(b, 2, b.length - 3).slice().position(1);
  }
}
