package io.tidemark.testkit;

import io.tidemark.testkit.internal.ChildProcesses;
import io.tidemark.testkit.internal.Dirs;
import io.tidemark.testkit.internal.Poll;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code main} class running in a child JVM with this JVM's class path, so a test can crash it
 * ({@link #kill()}, SIGKILL) or stop it ({@link #stop(Duration)}, SIGTERM) like a real
 * deployment.
 *
 * <p>The child's stdout and stderr go to files in a temporary directory ({@link #stdout()},
 * {@link #stderr()}); failure messages quote their tails. Secrets belong in the environment
 * ({@link Builder#env}): arguments are visible to every user through {@code ps}. The child is
 * killed when this JVM exits, should the test not close it.
 *
 * <p>Thread-safe: lifecycle methods are synchronized. {@link #close()} kills the child if it
 * still runs and deletes the output directory.
 */
public final class JavaProcess implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JavaProcess.class);
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(50);
    private static final int TAIL_LINES = 40;

    private final String mainClass;
    private final Path outputDir;
    private final Process process;
    private boolean closed;

    private JavaProcess(String mainClass, Path outputDir, Process process) {
        this.mainClass = mainClass;
        this.outputDir = outputDir;
        this.process = process;
    }

    /** Starts configuring a child JVM that runs {@code mainClass}. */
    public static Builder builder(Class<?> mainClass) {
        return new Builder(mainClass.getName());
    }

    /** The child's process id. */
    public long pid() {
        return process.pid();
    }

    /** The file receiving the child's standard output. */
    public Path stdout() {
        return outputDir.resolve("stdout.log");
    }

    /** The file receiving the child's standard error. */
    public Path stderr() {
        return outputDir.resolve("stderr.log");
    }

    /** Whether the child is still running. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** The exit code once the child has exited; empty while it runs. */
    public Optional<Integer> exitCode() {
        return process.isAlive() ? Optional.empty() : Optional.of(process.exitValue());
    }

    /**
     * Waits until a line of the child's stdout or stderr contains {@code needle}.
     *
     * @throws TestkitException on timeout or if the child exits first, quoting its output
     */
    public void awaitOutput(String needle, Duration timeout) {
        try {
            Poll.until("a line containing '" + needle + "' from " + this, timeout, POLL_INTERVAL, () -> {
                if (contains(stdout(), needle) || contains(stderr(), needle)) {
                    return Optional.of(Boolean.TRUE);
                }
                if (!process.isAlive()) {
                    throw new TestkitException(this + " exited with code " + process.exitValue()
                            + " before printing '" + needle + "'");
                }
                return Optional.empty();
            });
        } catch (TestkitException e) {
            throw new TestkitException(e.getMessage() + outputTails(), e);
        }
    }

    /**
     * Kills the child at once (SIGKILL), as a crash would, and waits until it is gone. Does
     * nothing if it already exited.
     */
    public synchronized void kill() {
        if (process.isAlive()) {
            process.toHandle().destroyForcibly();
            if (!waitFor(KILL_TIMEOUT)) {
                throw new TestkitException(this + " survived SIGKILL for " + KILL_TIMEOUT);
            }
            LOG.info("{} killed, exit code {}", this, process.exitValue());
        }
        ChildProcesses.forget(process);
    }

    /**
     * Asks the child to shut down (SIGTERM, which runs its shutdown hooks) and waits for it.
     *
     * @return the exit code
     * @throws TestkitException if it does not exit within {@code timeout}; it is killed then
     */
    public synchronized int stop(Duration timeout) {
        if (process.isAlive()) {
            process.toHandle().destroy();
            if (!waitFor(timeout)) {
                kill();
                throw new TestkitException(this + " did not exit within " + timeout
                        + " of SIGTERM; killed it" + outputTails());
            }
        }
        ChildProcesses.forget(process);
        LOG.info("{} stopped, exit code {}", this, process.exitValue());
        return process.exitValue();
    }

    /** The last lines of stdout and stderr, for failure messages. */
    public String outputTails() {
        return "\n--- stdout " + stdout() + " ends with:\n" + Dirs.tail(stdout(), TAIL_LINES)
                + "\n--- stderr " + stderr() + " ends with:\n" + Dirs.tail(stderr(), TAIL_LINES);
    }

    /** Kills the child if it still runs and deletes its output files. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            kill();
        } finally {
            Dirs.deleteRecursively(outputDir);
        }
    }

    @Override
    public String toString() {
        return "child JVM " + process.pid() + " (" + mainClass + ")";
    }

    private boolean waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TestkitException("Interrupted while waiting for " + this + " to exit", e);
        }
    }

    private static boolean contains(Path file, String needle) throws IOException {
        if (!Files.exists(file)) {
            return false;
        }
        // Decoding bytes replaces a half-written multi-byte character instead of failing.
        return new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines()
                .anyMatch(line -> line.contains(needle));
    }

    /** Options of a child JVM to start. Not thread-safe; use one builder from one thread. */
    public static final class Builder {
        private final String mainClass;
        private final List<String> args = new ArrayList<>();
        private final List<String> jvmOptions = new ArrayList<>(List.of("-Xmx384m", "-XX:+UseSerialGC"));
        private final Map<String, String> env = new LinkedHashMap<>();

        private Builder(String mainClass) {
            this.mainClass = mainClass;
        }

        /** Appends program arguments; never secrets, which {@code ps} shows to everyone. */
        public Builder args(String... values) {
            args.addAll(List.of(values));
            return this;
        }

        /** Sets an environment variable of the child, on top of this JVM's environment. */
        public Builder env(String name, String value) {
            env.put(name, value);
            return this;
        }

        /** Appends a JVM option such as {@code -Xmx512m} (defaults: 384 MB heap, serial GC). */
        public Builder jvmOption(String option) {
            jvmOptions.add(option);
            return this;
        }

        /**
         * Starts the child JVM; its output goes to files in a fresh temporary directory.
         *
         * @throws TestkitException if the JVM cannot be launched
         */
        public JavaProcess start() {
            Path outputDir = Dirs.createTemp("tidemark-java-");
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvmOptions);
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(mainClass);
            command.addAll(args);
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectOutput(outputDir.resolve("stdout.log").toFile())
                    .redirectError(outputDir.resolve("stderr.log").toFile());
            builder.environment().putAll(env);
            try {
                Process process = builder.start();
                ChildProcesses.register(process);
                JavaProcess started = new JavaProcess(mainClass, outputDir, process);
                LOG.info("{} started, output in {}", started, outputDir);
                return started;
            } catch (IOException e) {
                Dirs.deleteRecursively(outputDir);
                throw new TestkitException("Cannot launch a JVM for " + mainClass,
                        new UncheckedIOException(e));
            }
        }
    }
}
