package io.tidemark.schemas;

import io.tidemark.schemas.avro.Column;
import io.tidemark.schemas.avro.SnapshotRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.Decoder;
import org.apache.avro.util.Utf8;

/**
 * A snapshot row decoded straight from its {@link SnapshotRecord} encoding into buffers it keeps
 * from row to row: a bulk load needs the database, the table and each column's name and value,
 * and decoding a record into objects (a String per name and text value, a Column per column)
 * costs more CPU than loading the row into the target. The fields it does not need are skipped
 * as the bundle's writer schema says, so any SnapshotRecord version with the same row fields
 * reads. {@link #database()} and {@link #table()} are new Strings only when they change from the
 * row before. Not thread-safe.
 */
public final class SnapshotRow {
  /** A column value's kind: the branch of Column's value union it was written in. */
  public enum Kind { NULL, BOOLEAN, LONG, DOUBLE, STRING, BYTES }

  private static final int SKIP = 0;
  private static final int DATABASE = 1;
  private static final int TABLE = 2;
  private static final int ROW = 3;
  private static final int NAME = 1;
  private static final int VALUE = 2;

  /** What to do with each field of the writer's SnapshotRecord, and their schemas. */
  private final int[] fieldActions;
  private final Schema[] fieldSchemas;
  /** Per field of Column: SKIP, NAME or VALUE; and the value union's branch kinds. */
  private final int[] columnActions;
  private final Schema[] columnSchemas;
  private final Kind[] valueKinds;

  private final CachedText database = new CachedText();
  private final CachedText table = new CachedText();
  private int columns;
  private Utf8[] names = new Utf8[0];
  private Utf8[] values = new Utf8[0];
  private Kind[] kinds = new Kind[0];
  private long[] numbers = new long[0];

  /** A row that reads records written in {@code writer}, a version of SnapshotRecord's schema. */
  public SnapshotRow(Schema writer) {
    List<Schema.Field> fields = writer.getFields();
    fieldActions = new int[fields.size()];
    fieldSchemas = new Schema[fields.size()];
    Schema column = null;
    for (Schema.Field f : fields) {
      int i = f.pos();
      fieldSchemas[i] = f.schema();
      switch (f.name()) {
        case "database" -> fieldActions[i] = requireNullableString(f, DATABASE);
        case "table" -> fieldActions[i] = requireNullableString(f, TABLE);
        case "row" -> {
          fieldActions[i] = ROW;
          column = columnSchema(f);
        }
        default -> fieldActions[i] = SKIP;
      }
    }
    if (column == null || Arrays.stream(fieldActions).filter(a -> a != SKIP).count() != 3) {
      throw new IllegalArgumentException("not a SnapshotRecord schema: " + writer.getFullName()
          + " lacks the database, table or row field");
    }
    List<Schema.Field> columnFields = column.getFields();
    columnActions = new int[columnFields.size()];
    columnSchemas = new Schema[columnFields.size()];
    Kind[] kindsOfValue = null;
    for (Schema.Field f : columnFields) {
      columnSchemas[f.pos()] = f.schema();
      if (f.name().equals("name") && f.schema().getType() == Schema.Type.STRING) {
        columnActions[f.pos()] = NAME;
      } else if (f.name().equals("value") && f.schema().getType() == Schema.Type.UNION) {
        columnActions[f.pos()] = VALUE;
        kindsOfValue = f.schema().getTypes().stream().map(SnapshotRow::kindOf)
            .toArray(Kind[]::new);
      }
    }
    if (kindsOfValue == null || Arrays.stream(columnActions).filter(a -> a == NAME).count() != 1) {
      throw new IllegalArgumentException("not a SnapshotRecord schema: its Column lacks a"
          + " string name or a union value");
    }
    valueKinds = kindsOfValue;
  }

  /** Returns {@code action} once {@code f} is a [null, string] field; refuses it otherwise. */
  private static int requireNullableString(Schema.Field f, int action) {
    Schema s = f.schema();
    boolean nullableString = s.getType() == Schema.Type.UNION && s.getTypes().size() == 2
        && s.getTypes().get(0).getType() == Schema.Type.NULL
        && s.getTypes().get(1).getType() == Schema.Type.STRING;
    if (!nullableString) {
      throw new IllegalArgumentException("not a SnapshotRecord schema: " + f.name()
          + " is " + s + ", not [null, string]");
    }
    return action;
  }

  private static Schema columnSchema(Schema.Field f) {
    Schema s = f.schema();
    if (s.getType() == Schema.Type.UNION && s.getTypes().size() == 2
        && s.getTypes().get(0).getType() == Schema.Type.NULL
        && s.getTypes().get(1).getType() == Schema.Type.ARRAY
        && s.getTypes().get(1).getElementType().getType() == Schema.Type.RECORD) {
      return s.getTypes().get(1).getElementType();
    }
    throw new IllegalArgumentException("not a SnapshotRecord schema: row is " + s
        + ", not [null, array of Column]");
  }

  private static Kind kindOf(Schema branch) {
    return switch (branch.getType()) {
      case NULL -> Kind.NULL;
      case BOOLEAN -> Kind.BOOLEAN;
      case LONG -> Kind.LONG;
      case DOUBLE -> Kind.DOUBLE;
      case STRING -> Kind.STRING;
      case BYTES -> Kind.BYTES;
      default -> throw new IllegalArgumentException("a Column value of type " + branch
          + " is not one this reader knows");
    };
  }

  /** Reads the next record's encoding from {@code in} into this row; returns this row. */
  public SnapshotRow read(Decoder in) throws IOException {
    columns = 0;
    boolean hasDatabase = false;
    boolean hasTable = false;
    for (int i = 0; i < fieldActions.length; i++) {
      switch (fieldActions[i]) {
        case DATABASE -> hasDatabase = database.read(in);
        case TABLE -> hasTable = table.read(in);
        case ROW -> readColumns(in);
        default -> skip(fieldSchemas[i], in);
      }
    }
    if (!hasDatabase || !hasTable) {
      throw new IOException("a snapshot record without a database or table where a row was"
          + " expected");
    }
    return this;
  }

  private void readColumns(Decoder in) throws IOException {
    if (nullBranch(in)) {
      return;
    }
    for (long n = in.readArrayStart(); n > 0; n = in.arrayNext()) {
      for (long k = 0; k < n; k++) {
        readColumn(in, columns++);
      }
    }
  }

  private void readColumn(Decoder in, int c) throws IOException {
    if (c == names.length) {
      int size = Math.max(8, 2 * c);
      names = Arrays.copyOf(names, size);
      values = Arrays.copyOf(values, size);
      kinds = Arrays.copyOf(kinds, size);
      numbers = Arrays.copyOf(numbers, size);
    }
    for (int f = 0; f < columnActions.length; f++) {
      if (columnActions[f] == NAME) {
        names[c] = in.readString(names[c]);
      } else if (columnActions[f] == VALUE) {
        int branch = in.readIndex();
        if (branch < 0 || branch >= valueKinds.length) {
          throw new IOException("a column value in union branch " + branch + " of "
              + valueKinds.length);
        }
        Kind kind = valueKinds[branch];
        kinds[c] = kind;
        switch (kind) {
          case NULL -> { }
          case BOOLEAN -> numbers[c] = in.readBoolean() ? 1 : 0;
          case LONG -> numbers[c] = in.readLong();
          case DOUBLE -> numbers[c] = Double.doubleToRawLongBits(in.readDouble());
          // Avro encodes bytes as it does a string: a length, then the bytes
          case STRING, BYTES -> values[c] = in.readString(values[c]);
        }
      } else {
        skip(columnSchemas[f], in);
      }
    }
  }

  /**
   * Skips a value of {@code schema}: records, unions and scalars here (a snapshot record's
   * position is all of those), anything else by Avro, whose general skip costs two thread-local
   * look-ups a call.
   */
  private static void skip(Schema schema, Decoder in) throws IOException {
    switch (schema.getType()) {
      case RECORD -> {
        for (Schema.Field f : schema.getFields()) {
          skip(f.schema(), in);
        }
      }
      case UNION -> skip(branch(schema.getTypes(), in.readIndex()), in);
      case STRING, BYTES -> in.skipString();
      case LONG -> in.readLong();
      case INT -> in.readInt();
      case ENUM -> in.readEnum();
      case BOOLEAN -> in.readBoolean();
      case DOUBLE -> in.readDouble();
      case FLOAT -> in.readFloat();
      case NULL -> in.readNull();
      default -> GenericDatumReader.skip(schema, in);
    }
  }

  /** Reads the branch of a [null, x] union: true for null, false for x. */
  private static boolean nullBranch(Decoder in) throws IOException {
    int index = in.readIndex();
    if (index != 0 && index != 1) {
      throw new IOException("union branch " + index + " of 2");
    }
    return index == 0;
  }

  private static Schema branch(List<Schema> branches, int index) throws IOException {
    if (index < 0 || index >= branches.size()) {
      throw new IOException("union branch " + index + " of " + branches.size());
    }
    return branches.get(index);
  }

  public String database() {
    return database.text;
  }

  public String table() {
    return table.text;
  }

  public int columns() {
    return columns;
  }

  /** Column {@code i}'s name, a new String. */
  public String name(int i) {
    return names[i].toString();
  }

  /** Whether column {@code i}'s name is exactly these UTF-8 bytes. */
  public boolean nameIs(int i, byte[] utf8) {
    Utf8 n = names[i];
    return Arrays.equals(n.getBytes(), 0, n.getByteLength(), utf8, 0, utf8.length);
  }

  public Kind kind(int i) {
    return kinds[i];
  }

  public boolean booleanValue(int i) {
    return numbers[i] != 0;
  }

  public long longValue(int i) {
    return numbers[i];
  }

  public double doubleValue(int i) {
    return Double.longBitsToDouble(numbers[i]);
  }

  /** A STRING value's UTF-8 or a BYTES value, in {@code [0, length(i))}; valid until the next read. */
  public byte[] bytes(int i) {
    return values[i].getBytes();
  }

  public int length(int i) {
    return values[i].getByteLength();
  }

  /** The row's columns as the generated classes hold them, for paths that bind values. */
  public List<Column> toColumns() {
    List<Column> row = new ArrayList<>(columns);
    for (int i = 0; i < columns; i++) {
      Object value = switch (kinds[i]) {
        case NULL -> null;
        case BOOLEAN -> booleanValue(i);
        case LONG -> longValue(i);
        case DOUBLE -> doubleValue(i);
        case STRING -> new String(bytes(i), 0, length(i), StandardCharsets.UTF_8);
        case BYTES -> ByteBuffer.wrap(Arrays.copyOf(bytes(i), length(i)));
      };
      row.add(new Column(name(i), value));
    }
    return row;
  }

  /** A [null, string] field kept as its bytes, and as a String made only when they change. */
  private static final class CachedText {
    private final Utf8 scratch = new Utf8();
    private byte[] bytes = new byte[0];
    private String text;

    /** Reads the field; false when it is null. */
    boolean read(Decoder in) throws IOException {
      if (nullBranch(in)) {
        return false;
      }
      in.readString(scratch);
      if (text == null
          || !Arrays.equals(scratch.getBytes(), 0, scratch.getByteLength(), bytes, 0, bytes.length)) {
        bytes = Arrays.copyOf(scratch.getBytes(), scratch.getByteLength());
        text = new String(bytes, StandardCharsets.UTF_8);
      }
      return true;
    }
  }
}
