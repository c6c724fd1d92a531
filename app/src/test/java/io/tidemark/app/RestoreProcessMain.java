package io.tidemark.app;

import io.tidemark.restore.Restore;
import io.tidemark.restore.RestoreSettings;
import java.net.URI;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Runs one restore in a child JVM, so a test can SIGKILL it mid-phase. Arguments: S3 endpoint,
 * bucket, prefix, target port, and "resume" or "new". The S3 secret comes from the
 * environment (TIDEMARK_TEST_S3_SECRET), never from the command line.
 */
public final class RestoreProcessMain {
  private RestoreProcessMain() {}

  public static void main(String[] args) throws Exception {
    try (S3Client s3 = S3Clients.forEndpoint(URI.create(args[0]), "us-east-1", "resume",
        System.getenv("TIDEMARK_TEST_S3_SECRET"))) {
      RestoreSettings settings = new RestoreSettings(args[1], args[2], null,
          new RestoreSettings.Target("127.0.0.1", Integer.parseInt(args[3]), "root", ""), 2);
      System.out.println("restore starting");
      new Restore(args[4].equals("resume") ? settings.resuming() : settings, s3).run();
      System.out.println("restore finished");
    }
  }
}
