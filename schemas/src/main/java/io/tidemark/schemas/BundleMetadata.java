package io.tidemark.schemas;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;

/**
 * What a bundle says about itself, stored in the Avro file header (and, in part, as S3 object
 * metadata: {@link BundleLink}).
 *
 * @param topic the Kafka topic the events were consumed from
 * @param partition the topic's partition
 * @param firstOffset the Kafka offset of the first event
 * @param lastOffset the Kafka offset of the last event
 * @param firstPosition the source position of the first event
 * @param lastPosition the source position of the last event
 * @param eventCount the number of events
 * @param sha256 hex SHA-256 of the events' Avro binary encodings, concatenated in file order;
 *     independent of the compression codec and of encryption
 * @param offsets the Kafka offset of every event, as {@link OffsetRuns#format() runs}
 * @param previousSha256 the hash chain: {@code sha256} of the bundle of the same partition that
 *     the writer knew as the newest durable one; "" when it knew none (the partition's first
 *     bundle); null when not recorded (snapshot chunks, bundles of format 1, or a writer that
 *     could not learn it)
 */
public record BundleMetadata(
    String topic, int partition, long firstOffset, long lastOffset,
    SourcePosition firstPosition, SourcePosition lastPosition, long eventCount, String sha256,
    String offsets, String previousSha256) {

  /** The offset of every event, in file order. */
  public OffsetRuns offsetRuns() {
    return OffsetRuns.parse(offsets);
  }

  static final String PREFIX = "tidemark.";
  static final int FORMAT_VERSION = 2;
  /** Format 1 lacks the hash chain; everything else reads the same. */
  private static final int OLDEST_READABLE = 1;

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
    if (previousSha256 != null) {
      m.put(PREFIX + "previous_sha256", previousSha256);
    }
    return m;
  }

  /**
   * Reads the metadata from a whole bundle file's header (either content; plain or encrypted,
   * which needs no key for this).
   */
  public static BundleMetadata of(byte[] bundle, String name) {
    if (BundleEnvelope.isSealed(bundle)) {
      try {
        return fromHeader(BundleEnvelope.header(bundle, name)::get);
      } catch (CorruptBundleException e) {
        throw new CorruptBundleException("'" + name + "': " + e.getMessage());
      }
    }
    try (DataFileStream<Object> file = new DataFileStream<>(new ByteArrayInputStream(bundle),
        new GenericDatumReader<>())) {
      return fromHeader(file::getMetaString);
    } catch (IOException | AvroRuntimeException e) {
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
    int version;
    try {
      version = Integer.parseInt(format);
    } catch (NumberFormatException e) {
      throw new CorruptBundleException("bundle format '" + format + "' is not a number");
    }
    if (version < OLDEST_READABLE || version > FORMAT_VERSION) {
      throw new CorruptBundleException("bundle format " + format + " is not supported by this"
          + " version (it reads formats " + OLDEST_READABLE + " to " + FORMAT_VERSION
          + "); upgrade Tidemark");
    }
    try {
      return new BundleMetadata(get.apply("topic"), Integer.parseInt(get.apply("partition")),
          Long.parseLong(get.apply("first_offset")), Long.parseLong(get.apply("last_offset")),
          SourcePosition.parse(get.apply("first_position")),
          SourcePosition.parse(get.apply("last_position")),
          Long.parseLong(get.apply("event_count")), get.apply("sha256"), get.apply("offsets"),
          header.apply(PREFIX + "previous_sha256"));
    } catch (IllegalArgumentException e) {
      throw new CorruptBundleException("bundle header is unreadable: " + e.getMessage());
    }
  }
}
