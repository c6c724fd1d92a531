package io.tidemark.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidemark.schemas.avro.ChangeEvent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleEncryptionTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final byte[] keyBytes = random(32);
  private final MasterKey key = MasterKey.of(keyBytes);

  @Test
  void anEncryptedBundleRoundTripsWithItsKeyAndKeepsItsMetadataReadable() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BundleMetadata written = BundleTest.writer(30).writeTo(out,
        new BundleFormat(BundleCodec.SNAPPY, key), "ab12");
    byte[] sealed = out.toByteArray();

    assertThat(BundleEnvelope.isSealed(sealed)).isTrue();
    assertThat(BundleTest.indexOf(sealed, "value-7".getBytes(StandardCharsets.UTF_8)))
        .as("no event in clear text").isNegative();
    assertThat(BundleMetadata.of(sealed, "k")).as("metadata without the key").isEqualTo(written);
    assertThat(read(sealed, key)).isEqualTo(BundleTest.events(30));
  }

  @Test
  void eachBundleGetsItsOwnDataKeyAndIv() throws IOException {
    BundleWriter<ChangeEvent> w = BundleTest.writer(5);
    ByteArrayOutputStream a = new ByteArrayOutputStream();
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    w.writeTo(a, BundleFormat.DEFAULT.encryptedWith(key), "");
    BundleTest.writer(5).writeTo(b, BundleFormat.DEFAULT.encryptedWith(key), "");
    byte[] x = a.toByteArray();
    byte[] y = b.toByteArray();
    assertThat(java.util.Arrays.copyOfRange(x, x.length - 64, x.length))
        .isNotEqualTo(java.util.Arrays.copyOfRange(y, y.length - 64, y.length));
  }

  @Test
  void aMissingOrWrongKeyIsNamedWithTheKeyIdAndTheFix() throws IOException {
    byte[] sealed = seal();
    MasterKey other = MasterKey.of(random(32));
    assertThatThrownBy(() -> read(sealed, null)).isInstanceOf(BundleKeyException.class)
        .hasMessageContaining("'b.avro' was encrypted with key id " + key.id())
        .hasMessageContaining("TIDEMARK_MASTER_KEY_FILE");
    assertThatThrownBy(() -> read(sealed, other)).isInstanceOf(BundleKeyException.class)
        .hasMessageContaining("key id " + key.id()).hasMessageContaining("has id " + other.id());
  }

  @Test
  void aTamperedByteAnywhereFailsTheGcmTag() throws IOException {
    byte[] sealed = seal();
    for (int at : new int[] {20, sealed.length / 2, sealed.length - 1}) {
      byte[] bad = sealed.clone();
      bad[at] ^= 0x01;
      assertThatThrownBy(() -> read(bad, key)).as("byte " + at)
          .isInstanceOf(CorruptBundleException.class).hasMessageContaining("b.avro");
    }
    byte[] cut = java.util.Arrays.copyOf(sealed, sealed.length - 10);
    assertThatThrownBy(() -> read(cut, key)).isInstanceOf(CorruptBundleException.class);
  }

  @Test
  void theKeyNeverAppearsInTheBundleItsMetadataOrAnError() throws IOException {
    byte[] sealed = seal();
    String hex = HexFormat.of().formatHex(keyBytes);
    String b64 = Base64.getEncoder().encodeToString(keyBytes);
    assertThat(BundleTest.indexOf(sealed, keyBytes)).isNegative();
    assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain(hex, b64);
    String keyId = BundleEnvelope.keyId(sealed, "b").orElseThrow();
    assertThat(keyId).isEqualTo(key.id());
    assertThat(BundleLink.objectMetadata(BundleMetadata.of(sealed, "b"), keyId).toString())
        .doesNotContain(hex, b64).contains(key.id());
    assertThat(key.toString()).isEqualTo("master key " + key.id()).doesNotContain(hex);
    assertThat(key.id()).hasSize(16).isNotEqualTo(hex.substring(0, 16));
    assertThatThrownBy(() -> MasterKey.parse(hex.substring(2), "TIDEMARK_MASTER_KEY"))
        .hasMessageContaining("TIDEMARK_MASTER_KEY").hasMessageNotContaining(hex.substring(2, 20));
  }

  @Test
  void masterKeysLoadFromRawHexOrBase64Files(@TempDir Path dir) throws IOException {
    Path raw = Files.write(dir.resolve("raw"), keyBytes);
    Path hex = Files.writeString(dir.resolve("hex"), HexFormat.of().formatHex(keyBytes) + "\n");
    Path b64 = Files.writeString(dir.resolve("b64"), Base64.getEncoder().encodeToString(keyBytes));
    for (Path p : List.of(raw, hex, b64)) {
      assertThat(MasterKey.fromFile(p).id()).as(p.toString()).isEqualTo(key.id());
    }
    assertThat(MasterKey.load(null, null, "F", "T")).isNull();
    assertThatThrownBy(() -> MasterKey.load(raw, "x", "F", "T")).hasMessageContaining("not both");
  }

  private byte[] seal() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BundleTest.writer(10).writeTo(out, BundleFormat.DEFAULT.encryptedWith(key), "");
    return out.toByteArray();
  }

  private static List<ChangeEvent> read(byte[] bundle, MasterKey key) throws IOException {
    List<ChangeEvent> events = new ArrayList<>();
    try (BundleReader<ChangeEvent> r = new BundleReader<>(BundleContent.CHANGES,
        new ByteArrayInputStream(bundle), "b.avro", key)) {
      r.forEachRemaining(events::add);
    }
    return events;
  }

  private static byte[] random(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }
}
