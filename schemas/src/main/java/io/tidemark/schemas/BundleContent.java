package io.tidemark.schemas;

import io.tidemark.schemas.avro.ChangeEvent;
import io.tidemark.schemas.avro.Position;
import io.tidemark.schemas.avro.SnapshotRecord;
import java.util.function.Function;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * What a bundle holds: change events or snapshot records. Named in the bundle header, so a reader
 * refuses a bundle of the other kind instead of misreading it.
 *
 * @param <T> the Avro record type of the bundle's entries
 */
public final class BundleContent<T extends SpecificRecordBase> {
  public static final BundleContent<ChangeEvent> CHANGES = new BundleContent<>("changes",
      ChangeEvent.class, ChangeEvent.getClassSchema(), ChangeEvent::getPosition);
  public static final BundleContent<SnapshotRecord> SNAPSHOT = new BundleContent<>("snapshot",
      SnapshotRecord.class, SnapshotRecord.getClassSchema(), SnapshotRecord::getPosition);

  private final String name;
  private final Class<T> type;
  private final Schema schema;
  private final Function<T, Position> position;

  private BundleContent(String name, Class<T> type, Schema schema, Function<T, Position> position) {
    this.name = name;
    this.type = type;
    this.schema = schema;
    this.position = position;
  }

  String name() {
    return name;
  }

  Class<T> type() {
    return type;
  }

  Schema schema() {
    return schema;
  }

  SourcePosition positionOf(T entry) {
    return SourcePosition.fromAvro(position.apply(entry));
  }

  @Override
  public String toString() {
    return name;
  }
}
