package io.tidemark.app.config;

import java.net.URI;
import java.nio.file.Path;

/**
 * Where bundles are kept: an S3 bucket and prefix, or a local directory (served to the same code
 * through an in-process S3 API).
 */
public sealed interface Repository {
  /** {@code s3://bucket/prefix}; endpoint and credentials come from the AWS SDK's variables. */
  record S3(String bucket, String prefix, URI endpoint) implements Repository {
    @Override
    public String toString() {
      return "s3://" + bucket + "/" + prefix;
    }
  }

  /** {@code file:///path}. */
  record Local(Path directory) implements Repository {
    @Override
    public String toString() {
      return directory.toUri().toString();
    }
  }
}
