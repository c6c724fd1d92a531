package io.tidemark.sinks.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.filecache.Spool;
import io.tidemark.schemas.BundleContent;
import io.tidemark.schemas.BundleFormat;
import io.tidemark.schemas.BundleKeys;
import io.tidemark.schemas.BundleMetadata;
import io.tidemark.schemas.BundleWriter;
import io.tidemark.schemas.MasterKey;
import io.tidemark.schemas.SourcePosition;
import io.tidemark.schemas.avro.ChangeEvent;
import io.tidemark.schemas.avro.Operation;
import io.tidemark.sinks.Backoff;
import io.tidemark.sinks.s3.S3BundleStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DurableStoreTest {
  private static final String PARTITION = BundleKeys.changeBundlesOf("repo", "t", 0);

  @TempDir Path dir;

  @Test
  void aPartitionContinuesFromItsNewestSpooledBundleEvenWhenEncrypted() throws Exception {
    Spool spool = Spool.open(dir, 1L << 30);
    BundleFormat encrypted = BundleFormat.DEFAULT.encryptedWith(
        MasterKey.of(new SecureRandom().generateSeed(32)));
    byte[] older = bundle(0, 10, encrypted, "");
    byte[] newer = bundle(10, 20, encrypted, BundleMetadata.of(older, "older").sha256());
    spool.append(BundleKeys.changeBundle("repo", "t", 0, 0, 9), older);
    spool.append(BundleKeys.changeBundle("repo", "t", 1, 0, 9), bundle(0, 99, encrypted, ""));
    spool.append(BundleKeys.changeBundle("repo", "t", 0, 10, 19), newer);
    // S3 is never asked while the spool holds the partition's bundles.
    DurableStore store = new DurableStore(new S3BundleStore(null, "unused"), spool,
        Backoff.DEFAULT, InstantSource.system(), d -> { });

    BundleMetadata newest = BundleMetadata.of(newer, "newer");
    assertThat(store.start(PARTITION)).isEqualTo(new PartitionStart(
        Optional.of(newest.lastPosition()), newest.sha256()));
  }

  private static byte[] bundle(long first, long positions, BundleFormat format, String previous)
      throws IOException {
    BundleWriter<ChangeEvent> w = new BundleWriter<>(BundleContent.CHANGES, "t", 0);
    for (long offset = first; offset < first + 10; offset++) {
      w.add(offset, ChangeEvent.newBuilder()
          .setPosition(new SourcePosition(1, "bin.000001", positions + offset, 0, 0, null, 0, false)
              .toAvro())
          .setDatabase("db").setTable("t").setOperation(Operation.INSERT).build());
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    w.writeTo(out, format, previous);
    return out.toByteArray();
  }
}
