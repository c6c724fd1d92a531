package io.tidemark.schemas;

/**
 * Kafka topic names of one source, derived from its name (the {@code topic prefix}). Capture
 * writes them, the sinks read them; both get them from here.
 *
 * <ul>
 *   <li>{@code <source>.changes}: row changes, snapshot rows and DDL, keyed by table and primary
 *       key so that every row's changes stay in one partition, in source order. Every DDL
 *       event goes to partition 0, so DDL keeps its order too.
 *   <li>{@code <source>.snapshots}: consistent snapshots, one partition, so a snapshot's
 *       closing record follows all of its rows.
 *   <li>{@code <source>.offsets}: the capture engine's binlog offsets.
 *   <li>{@code <source>.schema-history}: the capture engine's DDL history.
 *   <li>{@code <source>.capture-lock}: one empty partition; the capture process of the source
 *       whose consumer group assigns it that partition is the active one, the others wait.
 * </ul>
 */
public record TopicNames(String source) {
  public TopicNames {
    if (!source.matches("[A-Za-z0-9_-]{1,100}")) {
      throw new IllegalArgumentException("source name '" + source + "' must be 1-100 letters,"
          + " digits, '_' or '-' (it names Kafka topics and S3 prefixes)");
    }
  }

  public String changes() {
    return source + ".changes";
  }

  public String snapshots() {
    return source + ".snapshots";
  }

  public String offsets() {
    return source + ".offsets";
  }

  public String schemaHistory() {
    return source + ".schema-history";
  }

  public String captureLock() {
    return source + ".capture-lock";
  }
}
