package io.tidemark.app;

import static org.awaitility.Awaitility.await;

import io.tidemark.testkit.JavaProcess;
import io.tidemark.testkit.S3Server;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The {@code tidemark} command as an operator runs it: a child JVM running {@code Tidemark.main}
 * with arguments and the environment an operator would export (secrets only there, never in
 * arguments, which {@code ps} shows).
 */
final class TidemarkCli {
  private static final Duration EXIT = Duration.ofMinutes(3);

  private final Map<String, String> env = new LinkedHashMap<>();
  private final List<String> jvmOptions = new ArrayList<>(List.of("-Duser.timezone=UTC"));

  /** What a command that ran to its end printed, and its exit code. */
  record Result(int code, String out, String err) {}

  /** A command line for repository {@code s3://bucket/prod} of {@code s3}. */
  static TidemarkCli forRepository(S3Server s3, String bucket) {
    return new TidemarkCli().env("S3_BUCKET", "s3://" + bucket + "/prod")
        .env("AWS_ENDPOINT_URL", s3.endpoint().toString())
        .env("AWS_REGION", s3.region())
        .env("AWS_ACCESS_KEY_ID", s3.accessKey())
        .env("AWS_SECRET_ACCESS_KEY", s3.secretKey());
  }

  TidemarkCli env(String name, String value) {
    env.put(name, value);
    return this;
  }

  /** A copy whose environment differs in {@code name}; this one is unchanged. */
  TidemarkCli with(String name, String value) {
    return copy().env(name, value);
  }

  /**
   * A copy whose JVM also gets {@code options}, after the testkit's defaults (so an {@code -Xmx}
   * here wins); this one is unchanged.
   */
  TidemarkCli withJvmOptions(String... options) {
    TidemarkCli copy = copy();
    copy.jvmOptions.addAll(List.of(options));
    return copy;
  }

  private TidemarkCli copy() {
    TidemarkCli copy = new TidemarkCli();
    copy.env.putAll(env);
    copy.jvmOptions.clear();
    copy.jvmOptions.addAll(jvmOptions);
    return copy;
  }

  JavaProcess start(String... args) {
    JavaProcess.Builder b = JavaProcess.builder(Tidemark.class).args(args);
    jvmOptions.forEach(b::jvmOption);
    env.forEach(b::env);
    return b.start();
  }

  /** Runs the command to its end; returns its exit code and output. */
  Result run(String... args) throws IOException {
    try (JavaProcess p = start(args)) {
      await().atMost(EXIT.toSeconds(), TimeUnit.SECONDS).until(() -> !p.isAlive());
      return new Result(p.exitCode().orElseThrow(), Files.readString(p.stdout()),
          Files.readString(p.stderr()));
    }
  }
}
