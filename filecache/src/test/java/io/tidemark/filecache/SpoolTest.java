package io.tidemark.filecache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {
  @TempDir Path dir;

  @Test
  void entriesSurviveAReopenAndDrainInAppendOrder() throws IOException {
    Spool spool = Spool.open(dir, 1 << 20);
    spool.append("k/2", bytes("second? no, first"));
    spool.append("k/1", bytes("second"));
    Spool reopened = Spool.open(dir, 1 << 20);
    SpoolEntry first = reopened.oldest().orElseThrow();
    assertThat(first.key()).isEqualTo("k/2");
    assertThat(new String(reopened.read(first), StandardCharsets.UTF_8)).isEqualTo("second? no, first");
    reopened.remove(first);
    assertThat(reopened.oldest().orElseThrow().key()).isEqualTo("k/1");
    assertThat(reopened.size()).isEqualTo(1);
    Spool.open(dir, 1 << 20).append("k/3", bytes("third"));
    assertThat(Spool.open(dir, 1 << 20).entries()).extracting(SpoolEntry::key)
        .containsExactly("k/1", "k/3");
  }

  @Test
  void aFlippedByteIsDetectedQuarantinedAndNeverReturned() throws IOException {
    Spool spool = Spool.open(dir, 1 << 20);
    SpoolEntry entry = spool.append("changes/t/0/1-2.avro", bytes("bundle body"));
    byte[] file = Files.readAllBytes(entry.file());
    file[20] ^= 0x01;
    Files.write(entry.file(), file);

    assertThatThrownBy(() -> spool.read(entry)).isInstanceOf(CorruptSpoolEntryException.class)
        .hasMessageContaining("changes/t/0/1-2.avro").hasMessageContaining("CRC32C");
    assertThat(spool.size()).isZero();
    assertThat(dir.resolve("corrupt").resolve(entry.file().getFileName())).exists();
    assertThat(Spool.open(dir, 1 << 20).size()).as("not picked up again").isZero();
  }

  @Test
  void aTruncatedFileIsDetected() throws IOException {
    Spool spool = Spool.open(dir, 1 << 20);
    SpoolEntry entry = spool.append("k", bytes("x".repeat(100)));
    Files.write(entry.file(), java.util.Arrays.copyOf(Files.readAllBytes(entry.file()), 50));
    assertThatThrownBy(() -> Spool.open(dir, 1 << 20).read(Spool.open(dir, 1 << 20).oldest()
        .orElseThrow())).isInstanceOf(CorruptSpoolEntryException.class);
  }

  @Test
  void aFullSpoolRefusesAndKeepsWhatItHas() throws IOException {
    Spool spool = Spool.open(dir, 200);
    spool.append("a", new byte[100]);
    assertThatThrownBy(() -> spool.append("b", new byte[100]))
        .isInstanceOf(SpoolFullException.class).hasMessageContaining("full");
    assertThat(spool.size()).isEqualTo(1);
    assertThat(spool.read(spool.oldest().orElseThrow())).hasSize(100);
  }

  @Test
  void anAppendThatNeverCompletedIsDiscardedOnOpen() throws IOException {
    Files.write(dir.resolve("00000000000000000007.spool.tmp"), new byte[] {1, 2, 3});
    assertThat(Spool.open(dir, 1 << 20).size()).isZero();
    assertThat(dir.resolve("00000000000000000007.spool.tmp")).doesNotExist();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
