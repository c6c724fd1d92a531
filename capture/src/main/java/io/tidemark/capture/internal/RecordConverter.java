package io.tidemark.capture.internal;

import io.tidemark.schemas.SourcePosition;
import io.tidemark.schemas.avro.ChangeEvent;
import io.tidemark.schemas.avro.Operation;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * The capture boundary: turns a Debezium record into a Tidemark change event. Debezium structs
 * never travel further than this class.
 */
public final class RecordConverter {
  /**
   * Debezium splits an update of a primary key into a delete of the old key and an insert of the
   * new one, at one binlog position; the insert carries this header.
   */
  static final String OLD_KEY_HEADER = "__debezium.oldkey";

  /** Debezium's default prefix of its heartbeat topic. */
  private static final String HEARTBEAT_TOPIC_PREFIX = "__debezium-heartbeat";

  private RecordConverter() {}

  /** A Debezium heartbeat: the connector's offset advanced without a change to forward. */
  public static boolean isHeartbeat(SourceRecord record) {
    return record.topic() != null && record.topic().startsWith(HEARTBEAT_TOPIC_PREFIX);
  }

  /** The event of a data or schema change record; empty for heartbeats and tombstones. */
  public static Optional<ChangeEvent> convert(SourceRecord record) {
    if (!(record.value() instanceof Struct value)) {
      return Optional.empty();
    }
    if (value.schema().field("ddl") != null) {
      return Optional.of(schemaChange(value));
    }
    if (value.schema().field("op") == null) {
      return Optional.empty(); // heartbeat or transaction marker
    }
    Struct source = value.getStruct("source");
    Struct key = record.key() instanceof Struct k ? k : null;
    Struct transaction = value.schema().field("transaction") == null
        ? null : value.getStruct("transaction");
    boolean insertHalf = record.headers().lastWithName(OLD_KEY_HEADER) != null;
    return Optional.of(ChangeEvent.newBuilder()
        .setPosition(position(source, eventInTransaction(record), insertHalf).toAvro())
        .setTransactionId(transaction == null ? null : transaction.getString("id"))
        .setTransactionOrder(transaction == null ? 0 : transaction.getInt64("total_order"))
        .setDatabase(source.getString("db"))
        .setTable(source.getString("table"))
        .setOperation(operation(value.getString("op")))
        .setKey(key == null ? null : ColumnValues.columns(key))
        .setBefore(ColumnValues.columns(value.getStruct("before")))
        .setAfter(ColumnValues.columns(value.getStruct("after")))
        .build());
  }

  private static ChangeEvent schemaChange(Struct value) {
    Struct source = value.getStruct("source");
    String table = source.getString("table");
    return ChangeEvent.newBuilder()
        .setPosition(position(source, 0, false).toAvro())
        .setDatabase(value.getString("databaseName"))
        .setTable(table == null || table.isEmpty() ? null : table)
        .setOperation(Operation.DDL)
        .setDdl(value.getString("ddl"))
        .setTableSchema(TableSchemas.after(value))
        .build();
  }

  /**
   * The connector's offset as a position: where streaming would restart, so every change before
   * it has been handed over. Empty for an offset without binlog coordinates.
   */
  static Optional<SourcePosition> restartPoint(Map<String, ?> offset) {
    if (offset == null || !(offset.get("file") instanceof String file)
        || !(offset.get("pos") instanceof Number pos)) {
      return Optional.empty();
    }
    Object gtids = offset.get("gtids");
    Object seconds = offset.get("ts_sec");
    return Optional.of(new SourcePosition(0, file, pos.longValue(), 0, 0,
        gtids == null ? null : gtids.toString(),
        seconds instanceof Number n ? n.longValue() * 1000 : 0, false));
  }

  /**
   * The event's position. Its event is the index of its binlog event inside its transaction, which
   * orders the changes of one transaction where the byte position cannot (MariaDB 11.4 gives them
   * all the transaction's start). Its row is 2 × the row's index inside its binlog event, plus 1
   * for the insert half of a primary-key update, so the two halves of such an update are distinct
   * events in replay order (delete, then insert) and dedupe never mistakes one for the other.
   */
  static SourcePosition position(Struct source, long eventInTransaction,
      boolean insertHalfOfKeyChange) {
    Object snapshot = source.get("snapshot");
    Integer index = source.getInt32("row");
    int row = 2 * (index == null ? 0 : index) + (insertHalfOfKeyChange ? 1 : 0);
    Long serverId = source.getInt64("server_id");
    return new SourcePosition(
        serverId == null ? 0 : serverId,
        source.getString("file"),
        source.getInt64("pos"),
        eventInTransaction,
        row,
        source.schema().field("gtid") == null ? null : source.getString("gtid"),
        source.getInt64("ts_ms"),
        snapshot != null && !"false".equals(snapshot.toString()));
  }

  /**
   * The connector's count of the transaction's events before this record's (its offset's
   * {@code event}, what it skips when it resumes at the transaction's start), so it is the same
   * when the event is read again after a restart.
   */
  private static long eventInTransaction(SourceRecord record) {
    Map<String, ?> offset = record.sourceOffset();
    return offset != null && offset.get("event") instanceof Number n ? n.longValue() : 0;
  }

  private static Operation operation(String op) {
    switch (op) {
      case "r":
        return Operation.SNAPSHOT_ROW;
      case "c":
        return Operation.INSERT;
      case "u":
        return Operation.UPDATE;
      case "d":
        return Operation.DELETE;
      default:
        throw new IllegalArgumentException("unknown Debezium operation '" + op + "'");
    }
  }
}
