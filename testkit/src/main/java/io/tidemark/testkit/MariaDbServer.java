package io.tidemark.testkit;

import io.tidemark.testkit.internal.Dirs;
import io.tidemark.testkit.internal.MariaDbProcess;
import io.tidemark.testkit.internal.MariaDbStatements;
import io.tidemark.testkit.internal.Ports;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A private MariaDB server process with binary logging in ROW format, full row images and GTIDs
 * in strict mode: what a change-data-capture reader needs.
 *
 * <p>It listens on 127.0.0.1 at a port picked once and kept across {@link #stop()},
 * {@link #kill()} and {@link #start()}, which reuse the same data directory. {@code root} has an
 * empty password; connections do not use TLS. Built with {@link #builder()}.
 *
 * <p>Thread-safe: lifecycle methods are synchronized; the SQL helpers open their own connection
 * per call. {@link #close()} stops the server and deletes the work directory if this class
 * created it.
 */
public final class MariaDbServer implements AutoCloseable {

    /** The administrative user; its password is empty. */
    public static final String ROOT_USER = "root";

    private static final Logger LOG = LoggerFactory.getLogger(MariaDbServer.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    private final MariaDbBinaries binaries;
    private final Path workDir;
    private final boolean ownsWorkDir;
    private final int port;
    private final int serverId;
    private final Duration startTimeout;
    private final MariaDbProcess launcher;
    private boolean closed;

    private MariaDbServer(Builder builder, Path workDir, boolean ownsWorkDir) {
        this.binaries = builder.binaries;
        this.workDir = workDir;
        this.ownsWorkDir = ownsWorkDir;
        this.port = Ports.free(1)[0];
        this.serverId = builder.serverId;
        this.startTimeout = builder.startTimeout;
        List<String> extra = new ArrayList<>();
        if (builder.timeZone != null) {
            extra.add("--default-time-zone=" + builder.timeZone);
        }
        if (builder.maxAllowedPacket > 0) {
            extra.add("--max-allowed-packet=" + builder.maxAllowedPacket);
        }
        this.launcher = new MariaDbProcess(binaries, workDir, port, serverId, extra);
    }

    /** Starts configuring a server; {@link Builder#start()} launches it. */
    public static Builder builder() {
        return new Builder();
    }

    /** The TCP port on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** The {@code server_id} the server runs with. */
    public int serverId() {
        return serverId;
    }

    /** The directory holding {@code data/}, the logs and the socket. */
    public Path workDir() {
        return workDir;
    }

    /** The server's error log, useful when a test fails. */
    public Path errorLog() {
        return launcher.errorLog();
    }

    /** The programs this server runs, and the client tools of the same version. */
    public MariaDbBinaries binaries() {
        return binaries;
    }

    /** The {@code mariadb} command-line client of the server's version. */
    public Path clientBinary() {
        return binaries.client();
    }

    /** The {@code mariadb-dump} program of the server's version. */
    public Path dumpBinary() {
        return binaries.dump();
    }

    /**
     * A JDBC URL for the MariaDB driver, without credentials and with TLS off.
     *
     * @param database the default database, or {@code null} for none
     */
    public String jdbcUrl(String database) {
        String path = database == null ? "" : database;
        return "jdbc:mariadb://" + Ports.LOOPBACK + ":" + port + "/" + path + "?sslMode=disable";
    }

    /** A new connection as {@code root} with no default database; the caller closes it. */
    public Connection connection() throws SQLException {
        return connection(null);
    }

    /** A new connection as {@code root} to {@code database} (may be null); the caller closes it. */
    public Connection connection(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), ROOT_USER, "");
    }

    /**
     * Runs each statement in order, in auto-commit mode, on one connection as {@code root}.
     *
     * @throws TestkitException naming the statement that failed
     */
    public void execute(String... sql) {
        try (Connection connection = connection(); Statement statement = connection.createStatement()) {
            for (String one : sql) {
                run(statement, one);
            }
        } catch (SQLException e) {
            throw new TestkitException("Cannot use a connection to MariaDB on port " + port, e);
        }
    }

    /**
     * Runs a query as {@code root} and returns the first column of its first row as text.
     *
     * @return the value, or {@code null} if there is no row or the value is SQL NULL
     * @throws TestkitException if the query fails
     */
    public String queryValue(String sql) {
        try (Connection connection = connection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            return rows.next() ? rows.getString(1) : null;
        } catch (SQLException e) {
            throw new TestkitException("Query failed: " + sql, e);
        }
    }

    /**
     * Creates a database named {@code prefix_<random hex>} and returns that name.
     *
     * @param prefix letters, digits and underscores, at most 48 of them
     */
    public String createDatabase(String prefix) {
        String name = MariaDbStatements.uniqueName(prefix);
        execute("CREATE DATABASE `" + name + "`");
        return name;
    }

    /**
     * Creates {@code user@'%'} with exactly the privileges change-data capture needs on
     * {@code *.*}: SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT,
     * BINLOG MONITOR and LOCK TABLES. (MariaDB 11.4 lists REPLICATION CLIENT as BINLOG MONITOR.)
     *
     * @param user letters, digits and underscores
     */
    public void createCaptureUser(String user, String password) {
        try {
            execute(MariaDbStatements.createCaptureUser(user, password).toArray(String[]::new));
        } catch (TestkitException e) {
            // The failed statement would show the password; the server's own error does not.
            throw new TestkitException("Cannot create capture user " + user, e.getCause());
        }
    }

    /** Whether the server process is alive. */
    public synchronized boolean isRunning() {
        return launcher.isAlive();
    }

    /**
     * Starts the server on the same data directory and port; does nothing if it runs.
     *
     * @throws TestkitException if it does not accept connections in time, with the error log tail
     */
    public synchronized void start() {
        requireOpen();
        if (launcher.isAlive()) {
            return;
        }
        long started = System.nanoTime();
        launcher.start(startTimeout);
        LOG.info("MariaDB server {} on port {} ready in {} ms (work dir {})", serverId, port,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), workDir);
    }

    /** Asks the server to shut down (SIGTERM) and waits for it; does nothing if it is not running. */
    public synchronized void stop() {
        launcher.stop(true, STOP_TIMEOUT).ifPresent(code -> logExit("stop", code));
    }

    /** Kills the server at once (SIGKILL), as a crash would; does nothing if it is not running. */
    public synchronized void kill() {
        launcher.stop(false, STOP_TIMEOUT).ifPresent(code -> logExit("kill", code));
    }

    /** {@link #stop()} followed by {@link #start()}. */
    public synchronized void restart() {
        stop();
        start();
    }

    /** Stops the server and deletes the work directory if this class created it. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        try {
            stop();
        } finally {
            closed = true;
            if (ownsWorkDir) {
                Dirs.deleteRecursively(workDir);
            }
        }
    }

    private void logExit(String how, int code) {
        LOG.info("MariaDB server {} on port {} exited after {} with code {}", serverId, port, how, code);
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("MariaDB server on port " + port + " is closed");
        }
    }

    private static void run(Statement statement, String sql) {
        try {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new TestkitException("Statement failed: " + sql, e);
        }
    }

    /**
     * Options of a server to start. Not thread-safe; use one builder from one thread.
     */
    public static final class Builder {
        private int serverId = 1;
        private String timeZone;
        private long maxAllowedPacket;
        private Path dataDir;
        private MariaDbBinaries binaries;
        private Duration startTimeout = Duration.ofSeconds(60);

        private Builder() {
        }

        /** The {@code server_id} (default 1); capture clients must use a different one. */
        public Builder serverId(int serverId) {
            if (serverId < 1) {
                throw new IllegalArgumentException("server id must be positive: " + serverId);
            }
            this.serverId = serverId;
            return this;
        }

        /**
         * The server's {@code --default-time-zone}, e.g. {@code "+02:00"} (default: the
         * system's). Named zones need time-zone tables, which a fresh data directory lacks.
         */
        public Builder timeZone(String timeZone) {
            this.timeZone = timeZone;
            return this;
        }

        /**
         * The server's {@code max_allowed_packet} in bytes (default: the server's own, 16 MiB in
         * 11.4). A statement or row carrying a value of 16 MiB or more needs a larger one; the
         * server rounds it down to a multiple of 1024 and caps it at 1 GiB.
         */
        public Builder maxAllowedPacket(long bytes) {
            if (bytes < 1024 || bytes > (1L << 30)) {
                throw new IllegalArgumentException("max_allowed_packet must be between 1 KiB and 1 GiB: " + bytes);
            }
            this.maxAllowedPacket = bytes;
            return this;
        }

        /**
         * The work directory (created if missing) kept after {@link MariaDbServer#close()}; an
         * existing {@code data/} inside it is reused. Default: a temporary directory deleted on
         * close.
         */
        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        /** The binaries to run (default {@link MariaDbBinaries#locate()}). */
        public Builder binaries(MariaDbBinaries binaries) {
            this.binaries = binaries;
            return this;
        }

        /** How long to wait for the server to accept connections (default 60 s). */
        public Builder startTimeout(Duration startTimeout) {
            this.startTimeout = startTimeout;
            return this;
        }

        /**
         * Creates the data directory if needed and starts the server.
         *
         * @throws TestkitException if it does not start, with the tail of its error log
         */
        public MariaDbServer start() {
            if (binaries == null) {
                binaries = MariaDbBinaries.locate();
            }
            boolean temporary = dataDir == null;
            Path workDir = temporary ? Dirs.createTemp("tidemark-mariadb-") : Dirs.create(dataDir.toAbsolutePath());
            MariaDbServer server = new MariaDbServer(this, workDir, temporary);
            try {
                server.start();
                return server;
            } catch (RuntimeException e) {
                server.close();
                throw e;
            }
        }
    }
}
