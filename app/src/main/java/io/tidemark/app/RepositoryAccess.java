package io.tidemark.app;

import io.tidemark.app.config.Repository;
import io.tidemark.testkit.S3Server;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.util.HexFormat;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;

/**
 * An open repository: the S3 client, bucket and prefix every command reads or writes. A local
 * directory ({@code file:///path}) is served through an in-process S3 API on the loopback
 * interface with throw-away credentials, so that it takes exactly the code path of S3.
 */
final class RepositoryAccess implements AutoCloseable {
  private static final String LOCAL_BUCKET = "repository";

  private final S3Client s3;
  private final String bucket;
  private final String prefix;
  private final S3Server local;

  private RepositoryAccess(S3Client s3, String bucket, String prefix, S3Server local) {
    this.s3 = s3;
    this.bucket = bucket;
    this.prefix = prefix;
    this.local = local;
  }

  /**
   * Opens the repository and checks that its bucket can be reached.
   *
   * @throws IllegalStateException naming the repository, the cause and the fix
   */
  static RepositoryAccess open(Repository repository) throws Exception {
    if (repository instanceof Repository.Local l) {
      Files.createDirectories(l.directory());
      byte[] secret = new byte[16];
      new SecureRandom().nextBytes(secret);
      S3Server server = S3Server.builder().filesystem(l.directory())
          .credentials("tidemark-local", HexFormat.of().formatHex(secret)).start();
      S3Client client = S3Clients.forEndpoint(server.endpoint(), server.region(),
          server.accessKey(), server.secretKey());
      if (!Files.isDirectory(l.directory().resolve(LOCAL_BUCKET))) {
        server.createBucket(LOCAL_BUCKET);
      }
      return new RepositoryAccess(client, LOCAL_BUCKET, "", server);
    }
    Repository.S3 s = (Repository.S3) repository;
    S3ClientBuilder builder = S3Client.builder();
    if (s.endpoint() != null) {
      // S3-compatible servers (MinIO, S3Proxy, Ceph) address buckets by path.
      builder.endpointOverride(s.endpoint()).forcePathStyle(true);
      if (System.getenv("AWS_REGION") == null) {
        builder.region(Region.US_EAST_1);
      }
    }
    S3Client client = builder.build();
    RepositoryAccess access = new RepositoryAccess(client, s.bucket(), s.prefix(), null);
    try {
      client.headBucket(b -> b.bucket(s.bucket()));
    } catch (NoSuchBucketException e) {
      access.close();
      throw new IllegalStateException("the bucket of repository " + s + " does not exist: create"
          + " it, or fix S3_BUCKET");
    } catch (SdkException e) {
      access.close();
      throw new IllegalStateException("cannot reach repository " + s
          + (s.endpoint() == null ? "" : " at " + s.endpoint()) + ": " + e.getMessage()
          + " (check AWS_ENDPOINT_URL, AWS_REGION and the credentials in AWS_ACCESS_KEY_ID /"
          + " AWS_SECRET_ACCESS_KEY)");
    }
    return access;
  }

  S3Client s3() {
    return s3;
  }

  String bucket() {
    return bucket;
  }

  String prefix() {
    return prefix;
  }

  @Override
  public void close() {
    s3.close();
    if (local != null) {
      local.close();
    }
  }
}
