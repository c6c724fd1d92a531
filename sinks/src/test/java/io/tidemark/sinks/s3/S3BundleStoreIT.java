package io.tidemark.sinks.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.schemas.BundleContent;
import io.tidemark.schemas.BundleFormat;
import io.tidemark.schemas.BundleKeys;
import io.tidemark.schemas.BundleLink;
import io.tidemark.schemas.BundleMetadata;
import io.tidemark.schemas.BundleWriter;
import io.tidemark.schemas.SourcePosition;
import io.tidemark.schemas.avro.ChangeEvent;
import io.tidemark.schemas.avro.Column;
import io.tidemark.schemas.avro.Operation;
import io.tidemark.sinks.S3TestClients;
import io.tidemark.testkit.S3Server;
import io.tidemark.testkit.Services;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Uploads against a real S3 API (S3Proxy): single and multipart puts are both conditional, an
 * identical object at the key counts as success and a different one is a conflict.
 */
class S3BundleStoreIT {
  private static final long THRESHOLD = 5L * 1024 * 1024;
  private static S3Server server;
  private static S3Client s3;

  @BeforeAll
  static void start() {
    server = S3Server.builder().credentials("store-it", "store-it-secret").start();
    s3 = S3TestClients.of(server);
  }

  @AfterAll
  static void stop() {
    Services.closeAll(s3, server);
  }

  @Test
  void aLargeBundleGoesUpInPartsAndReadsBackByteForByte() throws IOException {
    String bucket = bucket();
    S3BundleStore store = new S3BundleStore(s3, bucket, THRESHOLD);
    byte[] bundle = bundle(0, 12, 1024 * 1024); // 12 incompressible MiB: parts of 5, 5, 2
    String key = BundleKeys.changeBundle("repo", "t", 0, 0, 11);

    assertThat(store.upload(key, bundle)).isEqualTo(new UploadOutcome.Uploaded(key));

    assertThat(s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray()).isEqualTo(bundle);
    BundleMetadata meta = BundleMetadata.of(bundle, key);
    assertThat(store.newestBundle(BundleKeys.changeBundlesOf("repo", "t", 0)))
        .contains(new BundleLink(key, meta.sha256(), "", meta.firstPosition(), meta.lastPosition(),
            null));
    assertThat(s3.listMultipartUploads(b -> b.bucket(bucket)).uploads()).isEmpty();
  }

  @Test
  void anIdenticalObjectIsSuccessAndADifferentOneAConflictForSingleAndMultipartPuts()
      throws IOException {
    String bucket = bucket();
    S3BundleStore store = new S3BundleStore(s3, bucket, THRESHOLD);
    for (int size : new int[] {1024, 1024 * 1024}) { // 6 KiB in one put, 6 MiB in parts
      String key = BundleKeys.changeBundle("repo", "t", size, 0, 5);
      byte[] first = bundle(0, 6, size);
      byte[] other = bundle(1, 6, size);
      store.upload(key, first);

      assertThat(store.upload(key, bundle(0, 6, size))).as(size + ": the same events again")
          .isEqualTo(new UploadOutcome.AlreadyPresent(key));
      assertThat(store.upload(key, other)).as(size + ": other events at the key")
          .isEqualTo(new UploadOutcome.Conflict(key, BundleMetadata.of(first, key).sha256(),
              BundleMetadata.of(other, key).sha256()));
      assertThat(s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray())
          .as(size + ": never overwritten").isEqualTo(first);
    }
    assertThat(s3.listMultipartUploads(b -> b.bucket(bucket)).uploads())
        .as("a refused multipart upload is aborted").isEmpty();
  }

  private static String bucket() {
    String name = "store-" + UUID.randomUUID().toString().substring(0, 8);
    server.createBucket(name);
    return name;
  }

  /** {@code events} change events of {@code bytesEach} random bytes, seeded by {@code seed}. */
  static byte[] bundle(long seed, int events, int bytesEach) throws IOException {
    Random random = new Random(seed);
    BundleWriter<ChangeEvent> w = new BundleWriter<>(BundleContent.CHANGES, "t", 0);
    for (int i = 0; i < events; i++) {
      byte[] blob = new byte[bytesEach];
      random.nextBytes(blob);
      w.add(i, ChangeEvent.newBuilder()
          .setPosition(new SourcePosition(1, "bin.000001", 4 + i, 0, 0, null, 0, false).toAvro())
          .setDatabase("db").setTable("t").setOperation(Operation.INSERT)
          .setAfter(List.of(new Column("b", ByteBuffer.wrap(blob)))).build());
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    w.writeTo(out, BundleFormat.DEFAULT, "");
    return out.toByteArray();
  }
}
