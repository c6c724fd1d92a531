package io.tidemark.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

class S3ServerIT {

    private static final int SINGLE_ATTEMPT = 1;
    private static final int RETRYING = 3;
    private static S3Server server;
    private static S3Client client;

    @BeforeAll
    static void startServer() {
        server = S3Server.builder().credentials("it-access", "it-secret").start();
        client = client(server, server.secretKey(), RETRYING);
    }

    @AfterAll
    static void closeServer() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void signedPutGetAndListWork() {
        String bucket = newBucket();

        client.putObject(b -> b.bucket(bucket).key("dir/a.txt"), RequestBody.fromString("alpha"));
        client.putObject(b -> b.bucket(bucket).key("dir/b.txt"), RequestBody.fromString("beta"));

        assertThat(client.getObjectAsBytes(b -> b.bucket(bucket).key("dir/a.txt")).asUtf8String()).isEqualTo("alpha");
        assertThat(client.listObjectsV2(b -> b.bucket(bucket).prefix("dir/")).contents())
                .extracting(S3Object::key).containsExactly("dir/a.txt", "dir/b.txt");
    }

    @Test
    void aWrongSecretIsRefusedWith403() {
        String bucket = newBucket();
        try (S3Client wrong = client(server, "not-the-secret", SINGLE_ATTEMPT)) {
            assertThatThrownBy(() -> wrong.listObjectsV2(b -> b.bucket(bucket)))
                    .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(403));
            assertThatThrownBy(() -> wrong.putObject(b -> b.bucket(bucket).key("k"), RequestBody.fromString("x")))
                    .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(403));
        }
        assertThat(client.listObjectsV2(b -> b.bucket(bucket)).contents()).isEmpty();
    }

    @Test
    void ifNoneMatchOnAnExistingKeyFailsWith412AndKeepsTheFirstObject() {
        String bucket = newBucket();
        client.putObject(b -> b.bucket(bucket).key("once").ifNoneMatch("*"), RequestBody.fromString("first"));

        assertThatThrownBy(() -> client.putObject(b -> b.bucket(bucket).key("once").ifNoneMatch("*"),
                RequestBody.fromString("second")))
                .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(412));
        assertThat(client.getObjectAsBytes(b -> b.bucket(bucket).key("once")).asUtf8String()).isEqualTo("first");
    }

    @Test
    void anOutageFailsRequestsAndRecoveryBringsTheSameObjectsBack() {
        String bucket = newBucket();
        client.putObject(b -> b.bucket(bucket).key("kept"), RequestBody.fromString("still here"));

        server.stop();
        assertThat(server.isRunning()).isFalse();
        try (S3Client impatient = client(server, server.secretKey(), SINGLE_ATTEMPT)) {
            assertThatThrownBy(() -> impatient.getObjectAsBytes(b -> b.bucket(bucket).key("kept")))
                    .isInstanceOf(SdkClientException.class)
                    .hasRootCauseInstanceOf(ConnectException.class);
        }
        server.start();

        assertThat(client.getObjectAsBytes(b -> b.bucket(bucket).key("kept")).asUtf8String()).isEqualTo("still here");
    }

    @Test
    void aFilesystemStoreKeepsObjectsOnDiskAcrossAnOutage(@TempDir Path directory) {
        try (S3Server onDisk = S3Server.builder().filesystem(directory).start();
             S3Client diskClient = client(onDisk, onDisk.secretKey(), RETRYING)) {
            onDisk.createBucket("disk-bucket");
            diskClient.putObject(b -> b.bucket("disk-bucket").key("file.bin"), RequestBody.fromString("bytes"));

            onDisk.stop();
            onDisk.start();

            assertThat(diskClient.getObjectAsBytes(b -> b.bucket("disk-bucket").key("file.bin")).asUtf8String())
                    .isEqualTo("bytes");
            assertThat(directory.resolve("disk-bucket")).isDirectory();
        }
    }

    @Test
    void createBucketRefusesAnExistingBucket() {
        String bucket = newBucket();
        assertThatThrownBy(() -> server.createBucket(bucket)).isInstanceOf(TestkitException.class);
    }

    private static String newBucket() {
        String bucket = "it-" + UUID.randomUUID().toString().substring(0, 8);
        server.createBucket(bucket);
        return bucket;
    }

    /**
     * A path-style client. Retries matter after an outage: pooled connections the server closed
     * fail once ("failed to respond") before a fresh one is opened.
     */
    private static S3Client client(S3Server target, String secret, int maxAttempts) {
        return S3Client.builder()
                .endpointOverride(target.endpoint())
                .region(Region.of(target.region()))
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(target.accessKey(), secret)))
                .overrideConfiguration(o -> o.retryStrategy(b -> b.maxAttempts(maxAttempts)))
                .build();
    }
}
