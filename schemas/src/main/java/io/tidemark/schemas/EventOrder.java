package io.tidemark.schemas;

import io.tidemark.schemas.avro.ChangeEvent;
import io.tidemark.schemas.avro.Operation;
import java.util.Comparator;

/**
 * Replay order of change events of one source: by {@link SourcePosition}, and at equal positions
 * (the rows and DDL of one snapshot) schema changes before rows, so a table exists before its
 * rows arrive.
 */
public final class EventOrder {
  private EventOrder() {}

  public static final Comparator<ChangeEvent> REPLAY =
      Comparator.comparing((ChangeEvent e) -> SourcePosition.fromAvro(e.getPosition()))
          .thenComparing(e -> e.getOperation() != Operation.DDL);
}
