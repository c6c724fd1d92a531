package io.tidemark.schemas;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * What a bundle says about itself, stored in the Avro file header (and as S3 object metadata).
 *
 * @param topic the Kafka topic the events were consumed from
 * @param partition the topic's partition
 * @param firstOffset the Kafka offset of the first event
 * @param lastOffset the Kafka offset of the last event
 * @param firstPosition the source position of the first event
 * @param lastPosition the source position of the last event
 * @param eventCount the number of events
 * @param sha256 hex SHA-256 of the events' Avro binary encodings, concatenated in file order;
 *     independent of the compression codec
 * @param offsets the Kafka offset of every event, as {@link OffsetRuns#format() runs}
 */
public record BundleMetadata(
    String topic, int partition, long firstOffset, long lastOffset,
    SourcePosition firstPosition, SourcePosition lastPosition, long eventCount, String sha256,
    String offsets) {

  /** The offset of every event, in file order. */
  public OffsetRuns offsetRuns() {
    return OffsetRuns.parse(offsets);
  }

  static final String PREFIX = "tidemark.";
  static final int FORMAT_VERSION = 1;

  Map<String, String> toHeader() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(PREFIX + "format", Integer.toString(FORMAT_VERSION));
    m.put(PREFIX + "topic", topic);
    m.put(PREFIX + "partition", Integer.toString(partition));
    m.put(PREFIX + "first_offset", Long.toString(firstOffset));
    m.put(PREFIX + "last_offset", Long.toString(lastOffset));
    m.put(PREFIX + "first_position", firstPosition.format());
    m.put(PREFIX + "last_position", lastPosition.format());
    m.put(PREFIX + "event_count", Long.toString(eventCount));
    m.put(PREFIX + "sha256", sha256);
    m.put(PREFIX + "offsets", offsets);
    return m;
  }

  /** Reads the metadata from a whole bundle file's header (either content). */
  public static BundleMetadata of(byte[] bundle, String name) {
    try (org.apache.avro.file.DataFileStream<Object> file = new org.apache.avro.file.DataFileStream<>(
        new java.io.ByteArrayInputStream(bundle), new org.apache.avro.generic.GenericDatumReader<>())) {
      return fromHeader(file::getMetaString);
    } catch (java.io.IOException | org.apache.avro.AvroRuntimeException e) {
      throw new CorruptBundleException("'" + name + "' is not a bundle: " + e.getMessage());
    }
  }

  /** Reads the header written by {@link #toHeader()}; a missing key is a corrupt bundle. */
  static BundleMetadata fromHeader(Function<String, String> header) {
    Function<String, String> get = k -> {
      String v = header.apply(PREFIX + k);
      if (v == null) {
        throw new CorruptBundleException("bundle header lacks '" + PREFIX + k + "'");
      }
      return v;
    };
    String format = get.apply("format");
    if (!format.equals(Integer.toString(FORMAT_VERSION))) {
      throw new CorruptBundleException("bundle format " + format + " is not supported by this"
          + " version (it reads format " + FORMAT_VERSION + "); upgrade Tidemark");
    }
    try {
      return new BundleMetadata(get.apply("topic"), Integer.parseInt(get.apply("partition")),
          Long.parseLong(get.apply("first_offset")), Long.parseLong(get.apply("last_offset")),
          SourcePosition.parse(get.apply("first_position")),
          SourcePosition.parse(get.apply("last_position")),
          Long.parseLong(get.apply("event_count")), get.apply("sha256"), get.apply("offsets"));
    } catch (IllegalArgumentException e) {
      throw new CorruptBundleException("bundle header is unreadable: " + e.getMessage());
    }
  }
}
