package io.tidemark.app;

import picocli.CommandLine.Option;

/** The {@code --repository} flag of every command that reads or writes the repository. */
final class RepositoryOption {
  @Option(names = "--repository", paramLabel = "URL",
      description = "s3://BUCKET/PREFIX or file:///PATH (S3_BUCKET)")
  String url;
}
