package io.tidemark.capture;

import io.tidemark.schemas.TopicNames;
import io.tidemark.testkit.JavaProcess;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Capture as a process of its own, for tests that kill it: {@code key=value} arguments name the
 * source and Kafka ({@link #args}), the password comes from {@value #PASSWORD_ENV} so that
 * {@code ps} never shows it. Prints {@value #RUNNING} once capture started, runs until it is
 * killed, closes capture on SIGTERM, and exits with code 1 if capture fails.
 */
public final class CaptureProcessMain {
  static final String PASSWORD_ENV = "TIDEMARK_SOURCE_PASSWORD";
  static final String RUNNING = "capture running";
  static final String FAILED = "capture failed";

  private CaptureProcessMain() {}

  public static void main(String[] args) throws Exception {
    String password = System.getenv(PASSWORD_ENV);
    if (password == null) {
      System.err.println(PASSWORD_ENV + " is not set");
      System.exit(2);
    }
    Capture capture = Capture.start(settings(parse(args), password));
    CountDownLatch closed = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        capture.close();
      } catch (Exception e) {
        e.printStackTrace();
      } finally {
        closed.countDown();
      }
    }, "capture-shutdown"));
    System.out.println(RUNNING);
    while (!closed.await(200, TimeUnit.MILLISECONDS)) {
      Optional<Throwable> failure = capture.failure();
      if (failure.isPresent()) {
        System.err.println(FAILED + ": " + failure.get().getMessage());
        System.exit(1);
      }
    }
  }

  /** Starts capture with {@code s} in a child JVM and waits until it runs. */
  static JavaProcess start(CaptureSettings s, Duration timeout, String... jvmOptions) {
    JavaProcess.Builder b = JavaProcess.builder(CaptureProcessMain.class).args(args(s))
        .env(PASSWORD_ENV, s.password());
    for (String option : jvmOptions) {
      b.jvmOption(option);
    }
    JavaProcess process = b.start();
    process.awaitOutput(RUNNING, timeout);
    return process;
  }

  /** The arguments that make {@link #main} capture with {@code s}, except the password. */
  private static String[] args(CaptureSettings s) {
    return new String[] {"source=" + s.topics().source(), "host=" + s.host(),
        "port=" + s.port(), "user=" + s.user(), "server-id=" + s.replicaServerId(),
        "database=" + String.join(",", s.databases()), "kafka=" + s.bootstrapServers(),
        "partitions=" + s.partitions()};
  }

  private static CaptureSettings settings(Map<String, String> a, String password) {
    return new CaptureSettings(new TopicNames(a.get("source")), a.get("host"),
        Integer.parseInt(a.get("port")), a.get("user"), password,
        Long.parseLong(a.get("server-id")), List.of(a.get("database").split(",")),
        a.get("kafka"), Integer.parseInt(a.get("partitions")), (short) 1,
        TestSources.POLL_INTERVAL, TestSources.HEARTBEAT);
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> values = new HashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (eq < 1) {
        throw new IllegalArgumentException("expected key=value, got '" + arg + "'");
      }
      values.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    return values;
  }
}
