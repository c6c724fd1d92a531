package io.tidemark.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidemark.schemas.avro.ChangeEvent;
import io.tidemark.schemas.avro.Column;
import io.tidemark.schemas.avro.Operation;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class BundleTest {

  @ParameterizedTest
  @EnumSource(BundleCodec.class)
  void roundTripsEventsAndMetadata(BundleCodec codec) throws IOException {
    List<ChangeEvent> events = events(50);
    BundleWriter<ChangeEvent> writer = new BundleWriter<>(BundleContent.CHANGES, "src.changes", 2);
    for (int i = 0; i < events.size(); i++) {
      writer.add(100 + i, events.get(i));
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BundleMetadata written = writer.writeTo(out, codec);

    List<ChangeEvent> read = new ArrayList<>();
    try (BundleReader<ChangeEvent> reader = new BundleReader<>(BundleContent.CHANGES, new ByteArrayInputStream(out.toByteArray()), "b")) {
      assertThat(reader.metadata()).isEqualTo(written);
      reader.forEachRemaining(read::add);
    }
    assertThat(read).isEqualTo(events);
    assertThat(written.firstOffset()).isEqualTo(100);
    assertThat(written.lastOffset()).isEqualTo(149);
    assertThat(written.eventCount()).isEqualTo(50);
    assertThat(written.firstPosition().pos()).isEqualTo(0);
    assertThat(written.lastPosition().pos()).isEqualTo(49);
  }

  @ParameterizedTest
  @EnumSource(BundleCodec.class)
  void theCodecIsNamedInTheFileSoReadersNeedNoSetting(BundleCodec codec) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writer(10).writeTo(out, codec);
    try (org.apache.avro.file.DataFileStream<Object> file = new org.apache.avro.file.DataFileStream<>(
        new ByteArrayInputStream(out.toByteArray()), new org.apache.avro.generic.GenericDatumReader<>())) {
      assertThat(file.getMetaString("avro.codec"))
          .isEqualTo(codec == BundleCodec.ZSTD ? "zstandard" : codec == BundleCodec.NONE ? "null"
              : codec.name().toLowerCase());
    }
    assertThat(BundleCodec.parse(" Snappy ")).isEqualTo(BundleCodec.SNAPPY);
    assertThatThrownBy(() -> BundleCodec.parse("lz4")).hasMessageContaining("zstd, snappy");
  }

  @Test
  void theHashChainTravelsInTheHeader() throws IOException {
    ByteArrayOutputStream first = new ByteArrayOutputStream();
    BundleMetadata a = writer(5).writeTo(first, BundleFormat.DEFAULT, "");
    ByteArrayOutputStream second = new ByteArrayOutputStream();
    BundleMetadata b = writer(5).writeTo(second, BundleFormat.DEFAULT, a.sha256());
    assertThat(BundleMetadata.of(first.toByteArray(), "a").previousSha256()).isEmpty();
    assertThat(BundleMetadata.of(second.toByteArray(), "b").previousSha256()).isEqualTo(a.sha256());
    assertThat(b.sha256()).as("the chain is not part of the events' hash").isEqualTo(a.sha256());
    assertThat(write(BundleCodec.NONE).previousSha256()).as("outside a chain").isNull();
  }

  @Test
  void metadataTakenBeforeWritingIsWhatIsWrittenAndClosesTheBundle() throws IOException {
    BundleWriter<ChangeEvent> w = writer(4);
    BundleMetadata early = w.metadata("abc");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(w.writeTo(out, BundleFormat.DEFAULT, "abc")).isEqualTo(early);
    assertThat(BundleMetadata.of(out.toByteArray(), "k")).isEqualTo(early);
    assertThatThrownBy(() -> w.add(99, events(1).get(0)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("takes no more events");
  }

  @Test
  void objectMetadataCarriesTheChainAndSpellsOutTheFirstBundle() throws IOException {
    BundleMetadata first = writer(3).writeTo(new ByteArrayOutputStream(), BundleFormat.DEFAULT, "");
    String key = BundleKeys.changeBundle("p", "t", 0, 0, 2);
    BundleLink link = BundleLink.fromObjectMetadata(key, BundleLink.objectMetadata(first, null));
    assertThat(BundleLink.objectMetadata(first, null)).containsEntry(BundleLink.PREVIOUS_SHA256, "none");
    assertThat(link).isEqualTo(new BundleLink(key, first.sha256(), "", first.firstPosition(),
        first.lastPosition(), null));
    assertThat(link.firstOffset()).isZero();
    assertThat(link.lastOffset()).isEqualTo(2);
    assertThat(BundleLink.fromObjectMetadata(key, java.util.Map.of()).previousSha256())
        .as("an object written before the chain existed").isNull();
  }

  @Test
  void hashDoesNotDependOnCompression() throws IOException {
    assertThat(write(BundleCodec.ZSTD).sha256()).isEqualTo(write(BundleCodec.NONE).sha256());
  }

  @Test
  void aFlippedByteInTheBodyIsReportedAsCorrupt() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BundleWriter<ChangeEvent> writer = new BundleWriter<>(BundleContent.CHANGES, "t", 0);
    List<ChangeEvent> events = events(20);
    for (int i = 0; i < events.size(); i++) {
      writer.add(i, events.get(i));
    }
    writer.writeTo(out, BundleCodec.NONE);
    byte[] bytes = out.toByteArray();
    // The value of the last event's text column sits near the end, before the sync marker.
    int target = indexOf(bytes, "value-19".getBytes());
    assertThat(target).isNotNegative();
    bytes[target + 6] = 'X';

    assertThatThrownBy(() -> {
      try (BundleReader<ChangeEvent> reader = new BundleReader<>(BundleContent.CHANGES, new ByteArrayInputStream(bytes), "k/1.avro")) {
        reader.forEachRemaining(e -> { });
      }
    }).isInstanceOf(CorruptBundleException.class).hasMessageContaining("k/1.avro")
        .hasMessageContaining("SHA-256");
  }

  @Test
  void aTruncatedBundleIsReportedAsCorrupt() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BundleWriter<ChangeEvent> writer = new BundleWriter<>(BundleContent.CHANGES, "t", 0);
    List<ChangeEvent> events = events(20);
    for (int i = 0; i < events.size(); i++) {
      writer.add(i, events.get(i));
    }
    writer.writeTo(out, BundleCodec.ZSTD);
    byte[] cut = java.util.Arrays.copyOf(out.toByteArray(), out.size() - 30);
    assertThatThrownBy(() -> {
      try (BundleReader<ChangeEvent> reader = new BundleReader<>(BundleContent.CHANGES, new ByteArrayInputStream(cut), "cut")) {
        reader.forEachRemaining(e -> { });
      }
    }).isInstanceOf(CorruptBundleException.class).hasMessageContaining("cut");
  }

  @Test
  void offsetsMustIncrease() {
    BundleWriter<ChangeEvent> writer = new BundleWriter<>(BundleContent.CHANGES, "t", 0);
    writer.add(5, events(1).get(0));
    assertThatThrownBy(() -> writer.add(5, events(1).get(0)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void keysSortInOffsetOrder() {
    String a = BundleKeys.changeBundle("/backups/x/", "t", 0, 9, 99);
    String b = BundleKeys.changeBundle("backups/x", "t", 0, 100, 1000);
    assertThat(a).isEqualTo("backups/x/changes/t/0/00000000000000000009-00000000000000000099.avro");
    assertThat(a).isLessThan(b);
  }

  static BundleWriter<ChangeEvent> writer(int n) {
    BundleWriter<ChangeEvent> writer = new BundleWriter<>(BundleContent.CHANGES, "t", 0);
    List<ChangeEvent> events = events(n);
    for (int i = 0; i < events.size(); i++) {
      writer.add(i, events.get(i));
    }
    return writer;
  }

  private static BundleMetadata write(BundleCodec codec) throws IOException {
    BundleWriter<ChangeEvent> writer = new BundleWriter<>(BundleContent.CHANGES, "t", 0);
    List<ChangeEvent> events = events(10);
    for (int i = 0; i < events.size(); i++) {
      writer.add(i, events.get(i));
    }
    return writer.writeTo(new ByteArrayOutputStream(), codec);
  }

  static List<ChangeEvent> events(int n) {
    List<ChangeEvent> events = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      List<Column> row = List.of(new Column("id", (long) i), new Column("v", "value-" + i),
          new Column("b", ByteBuffer.wrap(new byte[] {0, (byte) i, (byte) 0xff})),
          new Column("n", null));
      events.add(ChangeEvent.newBuilder()
          .setPosition(new SourcePosition(1, "mysql-bin.000001", i, 0, 0, "0-1-" + i, 1_000L * i, false).toAvro())
          .setDatabase("db").setTable("t").setOperation(Operation.INSERT)
          .setKey(List.of(row.get(0))).setAfter(row).build());
    }
    return events;
  }

  /** Where {@code needle} starts in {@code haystack}; -1 when it does not occur. */
  static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
