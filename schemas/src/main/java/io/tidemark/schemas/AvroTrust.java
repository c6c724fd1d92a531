package io.tidemark.schemas;

import io.tidemark.schemas.avro.ChangeEvent;
import io.tidemark.schemas.avro.Column;
import io.tidemark.schemas.avro.DatabaseDefinition;
import io.tidemark.schemas.avro.ColumnDefinition;
import io.tidemark.schemas.avro.Operation;
import io.tidemark.schemas.avro.Position;
import io.tidemark.schemas.avro.SnapshotManifest;
import io.tidemark.schemas.avro.SnapshotRecord;
import io.tidemark.schemas.avro.SnapshotRecordKind;
import io.tidemark.schemas.avro.TableManifest;
import io.tidemark.schemas.avro.TableSchema;
import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro 1.12 refuses to instantiate classes named by a schema unless they are trusted. Our own
 * generated classes are added, exactly once per JVM, to whatever the process already trusts.
 */
final class AvroTrust {
  private AvroTrust() {}

  static {
    ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(
        ClassSecurityValidator.getGlobal(),
        ClassSecurityValidator.builder().add(ChangeEvent.class).add(Column.class)
            .add(Operation.class).add(Position.class).add(TableSchema.class)
            .add(ColumnDefinition.class).add(SnapshotRecord.class).add(SnapshotRecordKind.class)
            .add(SnapshotManifest.class).add(DatabaseDefinition.class).add(TableManifest.class)
            .build()));
  }

  /** Runs the static initializer; cheap after the first call. */
  static void ensure() {}
}
