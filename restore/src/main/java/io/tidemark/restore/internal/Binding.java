package io.tidemark.restore.internal;

import io.tidemark.schemas.avro.Column;
import java.nio.ByteBuffer;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/** Binds canonical column values to statement parameters. */
final class Binding {
  private Binding() {}

  /** Binds {@code columns} from parameter {@code first}; returns the next free parameter. */
  static int bind(PreparedStatement ps, int first, List<Column> columns) throws SQLException {
    int i = first;
    for (Column c : columns) {
      Object v = c.getValue();
      if (v instanceof ByteBuffer b) {
        byte[] bytes = new byte[b.remaining()];
        b.duplicate().get(bytes);
        ps.setBytes(i++, bytes);
      } else {
        ps.setObject(i++, v);
      }
    }
    return i;
  }
}
