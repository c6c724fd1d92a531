package io.tidemark.capture.internal;

import io.tidemark.schemas.avro.ColumnDefinition;
import io.tidemark.schemas.avro.TableSchema;
import java.util.List;
import org.apache.kafka.connect.data.Struct;

/** Reads the table structure a Debezium schema change record carries after its DDL. */
final class TableSchemas {
  private TableSchemas() {}

  /** The first changed table's structure; null when the DDL dropped it or names no table. */
  static TableSchema after(Struct schemaChange) {
    if (schemaChange.schema().field("tableChanges") == null) {
      return null;
    }
    List<Object> changes = schemaChange.getArray("tableChanges");
    if (changes == null || changes.isEmpty()) {
      return null;
    }
    Struct change = (Struct) changes.get(0);
    Struct table = change.getStruct("table");
    if ("DROP".equals(change.getString("type")) || table == null) {
      return null;
    }
    List<ColumnDefinition> columns = table.<Struct>getArray("columns").stream()
        .map(TableSchemas::column).toList();
    List<String> primaryKey = table.getArray("primaryKeyColumnNames");
    return new TableSchema(columns, primaryKey == null ? List.of() : List.copyOf(primaryKey),
        table.getString("defaultCharsetName"));
  }

  private static ColumnDefinition column(Struct c) {
    List<String> enumValues = c.schema().field("enumValues") == null
        ? null : c.getArray("enumValues");
    return ColumnDefinition.newBuilder()
        .setName(c.getString("name"))
        .setType(c.getString("typeName"))
        .setLength(c.getInt32("length"))
        .setScale(c.getInt32("scale"))
        .setNullable(Boolean.TRUE.equals(c.getBoolean("optional")))
        .setAutoIncrement(Boolean.TRUE.equals(c.getBoolean("autoIncremented")))
        .setEnumValues(enumValues == null ? List.of() : List.copyOf(enumValues))
        .build();
  }
}
