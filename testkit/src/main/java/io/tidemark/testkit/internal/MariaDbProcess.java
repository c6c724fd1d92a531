package io.tidemark.testkit.internal;

import io.tidemark.testkit.MariaDbBinaries;
import io.tidemark.testkit.TestkitException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs the MariaDB programs for one work directory: {@code mariadb-install-db} once, then
 * {@code mariadbd} as often as asked.
 *
 * <p>Layout of the work directory: {@code data/} (the data directory), {@code tmp/},
 * {@code mariadbd.err} (error log), {@code mariadbd.out} (anything printed outside the error
 * log), {@code install-db.log}, {@code mariadbd.pid} and usually {@code mariadbd.sock}.
 *
 * <p>Runs at most one server process at a time. Not thread-safe: the owner serialises calls.
 */
public final class MariaDbProcess {

    /** Longest Unix socket path that fits {@code sockaddr_un} with room to spare. */
    private static final int MAX_SOCKET_PATH = 100;
    private static final int LOG_TAIL_LINES = 40;
    private static final Duration POLL_INTERVAL = Duration.ofMillis(50);

    private final MariaDbBinaries binaries;
    private final Path workDir;
    private final Path socket;
    private final List<String> serverOptions;
    private final String probeUrl;
    private Process process;

    /** Prepares commands for a server on {@code port} with {@code extraOptions} appended. */
    public MariaDbProcess(MariaDbBinaries binaries, Path workDir, int port, int serverId, List<String> extraOptions) {
        this.binaries = binaries;
        this.workDir = workDir;
        this.socket = socketPath(workDir);
        this.serverOptions = serverOptions(port, serverId, extraOptions);
        this.probeUrl = "jdbc:mariadb://" + Ports.LOOPBACK + ":" + port + "/?sslMode=disable&connectTimeout=1000";
    }

    /** Whether a server process started here is alive. */
    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /**
     * Creates the data directory if needed, starts {@code mariadbd} and waits until {@code root}
     * can connect.
     *
     * @throws TestkitException if that takes longer than {@code timeout} or the server exits; the
     *     message ends with the tail of the error log
     */
    public void start(Duration timeout) {
        if (process != null) {
            // It died by itself (stop() and kill() clear the field); nothing is left to wait for.
            ChildProcesses.forget(process);
            process = null;
        }
        installIfNeeded(timeout);
        Process launched = launch();
        try {
            awaitConnectable(launched, timeout);
        } catch (RuntimeException e) {
            launched.destroyForcibly();
            ChildProcesses.forget(launched);
            throw new TestkitException(e.getMessage() + "\nmariadbd error log " + errorLog() + " ends with:\n"
                    + errorLogTail(), e);
        }
        process = launched;
    }

    /**
     * Ends the server process with SIGTERM ({@code graceful}) or SIGKILL and waits for it to exit.
     *
     * @return the exit code, or empty if no process was running
     * @throws TestkitException if a graceful stop takes longer than {@code timeout}; the process
     *     is then killed
     */
    public Optional<Integer> stop(boolean graceful, Duration timeout) {
        if (process == null) {
            return Optional.empty();
        }
        Process exiting = process;
        if (graceful) {
            exiting.destroy();
        } else {
            exiting.toHandle().destroyForcibly();
        }
        boolean exited = waitFor(exiting, timeout);
        if (!exited) {
            exiting.destroyForcibly();
            waitFor(exiting, timeout);
        }
        ChildProcesses.forget(exiting);
        process = null;
        if (!exited) {
            throw new TestkitException("mariadbd did not exit within " + timeout + "; killed it");
        }
        return Optional.of(exiting.exitValue());
    }

    /** The server's error log. */
    public Path errorLog() {
        return workDir.resolve("mariadbd.err");
    }

    /** The last lines of the error log, for failure messages. */
    public String errorLogTail() {
        return Dirs.tail(errorLog(), LOG_TAIL_LINES);
    }

    /*
     * Creates the data directory unless it exists. The script writes into a scratch directory
     * that is renamed into place only when it succeeded, so a crash never leaves a half one.
     */
    private void installIfNeeded(Duration timeout) {
        Path dataDir = dataDir();
        if (Files.isDirectory(dataDir.resolve("mysql"))) {
            return;
        }
        Path scratch = workDir.resolve("data.installing");
        Dirs.deleteRecursively(scratch);
        Dirs.create(scratch);
        Path log = workDir.resolve("install-db.log");
        List<String> command = new ArrayList<>(List.of(binaries.installDb().toString(), "--no-defaults",
                "--basedir=" + binaries.baseDir(), "--datadir=" + scratch, "--auth-root-authentication-method=normal",
                "--skip-test-db", "--skip-name-resolve"));
        runningUserOption().ifPresent(command::add);
        runToCompletion(command, log, timeout);
        try {
            Files.move(scratch, dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot move " + scratch + " to " + dataDir, e);
        }
    }

    private Process launch() {
        Dirs.create(workDir.resolve("tmp"));
        List<String> command = new ArrayList<>();
        command.add(binaries.mariadbd().toString());
        command.addAll(serverOptions);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(workDir.resolve("mariadbd.out").toFile()));
        try {
            Process process = builder.start();
            ChildProcesses.register(process);
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run " + binaries.mariadbd(), e);
        }
    }

    private void awaitConnectable(Process launched, Duration timeout) {
        Poll.until("mariadbd to accept connections at " + probeUrl, timeout, POLL_INTERVAL, () -> {
            if (!launched.isAlive()) {
                throw new TestkitException("mariadbd exited with code " + launched.exitValue());
            }
            try (Connection ignored = DriverManager.getConnection(probeUrl, "root", "")) {
                return Optional.of(Boolean.TRUE);
            }
        });
    }

    private static boolean waitFor(Process exiting, Duration timeout) {
        try {
            return exiting.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TestkitException("Interrupted while waiting for mariadbd to exit", e);
        }
    }

    private Path dataDir() {
        return workDir.resolve("data");
    }

    private List<String> serverOptions(int port, int serverId, List<String> extraOptions) {
        List<String> options = new ArrayList<>(List.of("--no-defaults",
                "--basedir=" + binaries.baseDir(),
                "--datadir=" + dataDir(),
                "--port=" + port,
                "--bind-address=" + Ports.LOOPBACK,
                "--socket=" + socket,
                "--pid-file=" + workDir.resolve("mariadbd.pid"),
                "--tmpdir=" + workDir.resolve("tmp"),
                "--log-error=" + errorLog(),
                "--log-bin=mysql-bin",
                "--binlog-format=ROW",
                "--binlog-row-image=FULL",
                "--server-id=" + serverId,
                "--gtid-strict-mode=ON",
                // MariaDB 11.4 knows no --log-replica-updates; the old name is the only one.
                "--log-slave-updates",
                "--skip-name-resolve",
                // 11.4 otherwise generates a certificate at every start, which costs seconds.
                "--skip-ssl",
                "--innodb-buffer-pool-size=64M",
                "--innodb-log-file-size=48M"));
        runningUserOption().ifPresent(options::add);
        options.addAll(extraOptions);
        return List.copyOf(options);
    }

    /** mariadbd refuses to run as root unless told so; as anyone else the option only warns. */
    private static Optional<String> runningUserOption() {
        return "root".equals(System.getProperty("user.name")) ? Optional.of("--user=root") : Optional.empty();
    }

    private static Path socketPath(Path workDir) {
        Path inWorkDir = workDir.resolve("mariadbd.sock");
        if (inWorkDir.toString().length() <= MAX_SOCKET_PATH) {
            return inWorkDir;
        }
        try {
            Path shortDir = Files.createTempDirectory("tm-sock");
            return shortDir.resolve("mariadbd.sock");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a directory for the server socket", e);
        }
    }

    private static void runToCompletion(List<String> command, Path log, Duration timeout) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            ChildProcesses.register(process);
            try {
                if (!waitFor(process, timeout)) {
                    throw new TestkitException(command.get(0) + " did not finish within " + timeout
                            + "; its output ends with:\n" + Dirs.tail(log, LOG_TAIL_LINES));
                }
            } finally {
                if (process.isAlive()) {
                    // The script runs mariadbd --bootstrap as its child; end that one too.
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                }
                ChildProcesses.forget(process);
            }
            if (process.exitValue() != 0) {
                throw new TestkitException(command.get(0) + " exited with " + process.exitValue()
                        + "; its output ends with:\n" + Dirs.tail(log, LOG_TAIL_LINES));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run " + command.get(0), e);
        }
    }
}
