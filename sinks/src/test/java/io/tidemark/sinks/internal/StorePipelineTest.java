package io.tidemark.sinks.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.tidemark.filecache.Spool;
import io.tidemark.schemas.BundleContent;
import io.tidemark.schemas.BundleFormat;
import io.tidemark.schemas.KafkaCodec;
import io.tidemark.schemas.SourcePosition;
import io.tidemark.schemas.avro.ChangeEvent;
import io.tidemark.schemas.avro.Operation;
import io.tidemark.sinks.Backoff;
import io.tidemark.sinks.FlushReason;
import io.tidemark.sinks.s3.S3BundleStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** The store thread against a fake S3 client; the real S3 path is proven by the ITs. */
class StorePipelineTest {
  private static final TopicPartition P0 = new TopicPartition("changes", 0);
  private static final TopicPartition P1 = new TopicPartition("changes", 1);
  private static final Backoff ONE_TRY =
      new Backoff(Duration.ZERO, Duration.ZERO, 0, 1, Duration.ZERO);

  @TempDir Path dir;
  private final FakeS3 s3 = new FakeS3();
  private StorePipeline pipeline;

  @AfterEach
  void stop() {
    s3.gate.countDown();
    if (pipeline != null) {
      pipeline.close();
    }
  }

  @Test
  void bundlesAreWrittenAndUploadedOffTheSubmittingThreadInSubmissionOrder() throws Exception {
    pipeline = pipeline(Spool.open(dir, 1L << 20), 4, 1L << 20);
    PendingBundle a = bundle(P0, 0);
    PendingBundle b = bundle(P1, 0);
    PendingBundle c = bundle(P0, 10);

    pipeline.submit(a); // S3 holds the first upload until the gate opens
    pipeline.submit(b);
    pipeline.submit(c);
    assertThat(pipeline.completed()).isEmpty();
    assertThat(pipeline.busyWith(P0)).isTrue();

    s3.gate.countDown();
    assertThat(pipeline.awaitAll()).extracting(StorePipeline.Stored::bundle,
        StorePipeline.Stored::outcome).containsExactly(
            tuple(a, StorePipeline.Outcome.UPLOADED),
            tuple(b, StorePipeline.Outcome.UPLOADED),
            tuple(c, StorePipeline.Outcome.UPLOADED));
    assertThat(s3.keys).containsExactly(a.key(), b.key(), c.key());
    assertThat(s3.threads).containsOnly("tidemark-sink-store");
    assertThat(pipeline.busyWith(P0)).isFalse();
  }

  @Test
  void aPartitionsBundlesBehindOneNotStoredComeBackUntriedUntilItIsRetried() throws Exception {
    PendingBundle big = bundle(P0, 0, 400);
    PendingBundle behind = bundle(P0, 400);
    PendingBundle other = bundle(P1, 0);
    Spool spool = Spool.open(dir, big.body().length - 1); // room for the small ones only
    pipeline = pipeline(spool, 4, 1L << 20);
    s3.gate.countDown();
    s3.down = true;

    pipeline.submit(big);
    pipeline.submit(behind);
    pipeline.submit(other);
    assertThat(pipeline.awaitAll()).extracting(StorePipeline.Stored::outcome).containsExactly(
        StorePipeline.Outcome.NOT_STORED, StorePipeline.Outcome.NOT_STORED,
        StorePipeline.Outcome.SPOOLED);
    // the later bundle of P0 was never tried: nothing of P0 is durable out of order
    assertThat(s3.tried).containsExactly(big.key(), other.key());
    assertThat(spool.entries()).extracting(e -> e.key()).containsExactly(other.key());

    s3.down = false;
    pipeline.drainNow();
    assertThat(pipeline.retry(big).outcome()).isEqualTo(StorePipeline.Outcome.UPLOADED);
    assertThat(pipeline.retry(behind).outcome()).isEqualTo(StorePipeline.Outcome.UPLOADED);
    assertThat(s3.keys).containsExactly(other.key(), big.key(), behind.key());
    assertThat(pipeline.drained()).isEqualTo(1);
  }

  @Test
  void submitWaitsWhileTheBundlesInFlightHoldTheirBudget() throws Exception {
    pipeline = pipeline(Spool.open(dir, 1L << 20), 4, 1);
    pipeline.submit(bundle(P0, 0)); // one bundle always goes, whatever its size
    Thread submitter = new Thread(() -> pipeline.submit(bundle(P1, 0)));
    submitter.start();

    await().atMost(10, TimeUnit.SECONDS).until(() -> submitter.getState() == Thread.State.WAITING);
    assertThat(s3.keys).isEmpty();
    s3.gate.countDown();
    submitter.join(TimeUnit.SECONDS.toMillis(10));
    assertThat(submitter.isAlive()).isFalse();
    assertThat(pipeline.awaitAll()).hasSize(2);
  }

  @Test
  void aFailedBundleBlocksTheLaterBundlesOfItsPartitionSoNoneOfThemIsCommittedPastIt()
      throws Exception {
    pipeline = pipeline(Spool.open(dir, 1L << 20), 4, 1L << 20);
    PendingBundle failing = bundle(P0, 0);
    PendingBundle behind = bundle(P0, 10);
    PendingBundle other = bundle(P1, 0);
    s3.refused = failing.key(); // a fatal answer: neither retried nor spooled
    s3.gate.countDown();

    pipeline.submit(failing);
    pipeline.submit(behind);
    pipeline.submit(other);
    assertThat(pipeline.awaitAll()).extracting(StorePipeline.Stored::outcome).containsExactly(
        StorePipeline.Outcome.FAILED, StorePipeline.Outcome.NOT_STORED,
        StorePipeline.Outcome.UPLOADED);
    assertThat(s3.tried).containsExactly(failing.key(), other.key());
  }

  @Test
  void submitWaitsWhileTheMostBundlesAreInFlight() throws Exception {
    pipeline = pipeline(Spool.open(dir, 1L << 20), 2, 1L << 20);
    pipeline.submit(bundle(P0, 0));
    pipeline.submit(bundle(P0, 10));
    Thread submitter = new Thread(() -> pipeline.submit(bundle(P0, 20)));
    submitter.start();

    await().atMost(10, TimeUnit.SECONDS).until(() -> submitter.getState() == Thread.State.WAITING);
    s3.gate.countDown();
    submitter.join(TimeUnit.SECONDS.toMillis(10));
    assertThat(submitter.isAlive()).isFalse();
    assertThat(pipeline.awaitAll()).hasSize(3);
  }

  @Test
  void aDrainThatFindsTheSpoolsLastEntryCorruptFailsThoughTheSpoolIsEmptyNow() throws Exception {
    Spool spool = Spool.open(dir, 1L << 20);
    Files.write(spool.append("bundles/a", new byte[] {1, 2, 3}).file(), new byte[] {9});
    pipeline = pipeline(spool, 4, 1L << 20);
    s3.gate.countDown();

    pipeline.drainSoon(); // the spool moves the damaged entry aside: it is empty afterwards
    await().atMost(10, TimeUnit.SECONDS).untilAsserted(() ->
        assertThatThrownBy(pipeline::checkDrain).hasMessageContaining("is truncated")
            .hasMessageContaining("bundles/a"));
    assertThat(spool.size()).isZero();
  }

  private StorePipeline pipeline(Spool spool, int maxInFlight, long maxInFlightBytes) {
    return new StorePipeline(new DurableStore(new S3BundleStore(s3, "bucket"), spool, ONE_TRY,
        InstantSource.fixed(Instant.EPOCH), d -> { }), maxInFlight, maxInFlightBytes);
  }

  private static PendingBundle bundle(TopicPartition tp, long first) {
    return bundle(tp, first, 10);
  }

  private static PendingBundle bundle(TopicPartition tp, long first, int events) {
    PartitionBatch<ChangeEvent> batch = new PartitionBatch<>(BundleContent.CHANGES, tp.topic(),
        tp.partition());
    for (long offset = first; offset < first + events; offset++) {
      ChangeEvent e = ChangeEvent.newBuilder()
          .setPosition(new SourcePosition(1, "bin.000001", 4 + offset, 0, 0, null, 0, false).toAvro())
          .setDatabase("db").setTable("t").setOperation(Operation.INSERT).build();
      batch.add(offset, e, KafkaCodec.CHANGES.datum(KafkaCodec.CHANGES.serialize(e)), null,
          Instant.EPOCH);
    }
    return PendingBundle.of(tp, batch, "repo", BundleFormat.DEFAULT, "", FlushReason.COUNT);
  }

  /** Accepts puts once {@link #gate} opens; refuses every one (no answer) while down. */
  private static final class FakeS3 implements S3Client {
    final CountDownLatch gate = new CountDownLatch(1);
    final List<String> tried = new CopyOnWriteArrayList<>();
    final List<String> keys = new CopyOnWriteArrayList<>();
    final List<String> threads = new CopyOnWriteArrayList<>();
    volatile boolean down;
    volatile String refused;

    @Override
    public PutObjectResponse putObject(PutObjectRequest request, RequestBody body) {
      try {
        gate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      tried.add(request.key());
      if (down) {
        throw SdkClientException.create("connection refused (fake)");
      }
      if (request.key().equals(refused)) {
        throw (S3Exception) S3Exception.builder().statusCode(403).message("denied (fake)").build();
      }
      keys.add(request.key());
      threads.add(Thread.currentThread().getName());
      return PutObjectResponse.builder().build();
    }

    @Override
    public String serviceName() {
      return "s3";
    }

    @Override
    public void close() {
    }
  }
}
