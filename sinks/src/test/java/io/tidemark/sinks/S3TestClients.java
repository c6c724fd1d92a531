package io.tidemark.sinks;

import io.tidemark.testkit.S3Server;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** S3 clients for the testkit's S3 server (the app builds its own; sinks only receive one). */
public final class S3TestClients {
  private S3TestClients() {}

  public static S3Client of(S3Server server) {
    return S3Client.builder().endpointOverride(server.endpoint())
        .region(Region.of(server.region())).forcePathStyle(true)
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(server.accessKey(), server.secretKey())))
        .build();
  }
}
