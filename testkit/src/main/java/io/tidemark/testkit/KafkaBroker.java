package io.tidemark.testkit;

import io.tidemark.testkit.internal.Dirs;
import io.tidemark.testkit.internal.KraftStorage;
import io.tidemark.testkit.internal.Poll;
import io.tidemark.testkit.internal.Ports;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, broker and controller in one) running in this JVM.
 *
 * <p>It listens on 127.0.0.1 with PLAINTEXT on two ports picked when it is created and kept for
 * its whole life, so {@link #bootstrapServers()} stays valid across {@link #stop()} and
 * {@link #restart()}, and clients reconnect by themselves. Topics are auto-created with one
 * partition; internal topics have replication factor 1.
 *
 * <p>Thread-safe: the lifecycle methods are synchronized; {@link #bootstrapServers()} is
 * immutable. {@link #close()} stops the broker and deletes the data directory if this class
 * created it.
 */
public final class KafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaBroker.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(100);

    private final Path dataDir;
    private final boolean ownsDataDir;
    private final Map<String, String> settings;
    private final String bootstrapServers;
    private KafkaRaftServer server;
    private boolean closed;

    private KafkaBroker(Path dataDir, boolean ownsDataDir) {
        this.dataDir = dataDir;
        this.ownsDataDir = ownsDataDir;
        int[] ports = Ports.free(2);
        this.settings = KraftStorage.settings(ports[0], ports[1], dataDir.resolve("logs"));
        this.bootstrapServers = Ports.LOOPBACK + ":" + ports[0];
    }

    /** Starts a broker on a fresh temporary directory, which {@link #close()} deletes. */
    public static KafkaBroker start() {
        return startIn(new KafkaBroker(Dirs.createTemp("tidemark-kafka-"), true));
    }

    /**
     * Starts a broker that keeps its logs under {@code dataDir} (created if missing). A directory
     * formatted by an earlier broker is reused as it is, with its topics and records.
     */
    public static KafkaBroker start(Path dataDir) {
        return startIn(new KafkaBroker(Dirs.create(dataDir), false));
    }

    private static KafkaBroker startIn(KafkaBroker broker) {
        try {
            broker.startServer();
            return broker;
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
    }

    /** The {@code host:port} for the {@code bootstrap.servers} setting of clients. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The directory holding the broker's logs and settings. */
    public Path dataDir() {
        return dataDir;
    }

    /** Whether the broker has been started and not stopped since. */
    public synchronized boolean isRunning() {
        return server != null;
    }

    /**
     * Shuts the broker down cleanly and waits for it; does nothing if it is not running.
     *
     * @throws TestkitException if the shutdown takes longer than a minute
     */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        long started = System.nanoTime();
        KafkaRaftServer stopping = server;
        server = null;
        Poll.runWithin("shutdown of Kafka broker " + bootstrapServers, STOP_TIMEOUT, () -> {
            stopping.shutdown();
            stopping.awaitShutdown();
        });
        LOG.info("Kafka broker {} stopped in {} ms", bootstrapServers, elapsedMillis(started));
    }

    /**
     * Stops the broker if it runs, then starts it again on the same data directory and ports.
     *
     * @throws TestkitException if it is not ready within a minute
     */
    public synchronized void restart() {
        requireOpen();
        stop();
        startServer();
    }

    /** Stops the broker and deletes the data directory if this class created it. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            stop();
        } finally {
            if (ownsDataDir) {
                Dirs.deleteRecursively(dataDir);
            }
        }
    }

    private void startServer() {
        long started = System.nanoTime();
        KraftStorage.formatIfNeeded(settings, dataDir.resolve("server.properties"));
        KafkaRaftServer starting = new KafkaRaftServer(new KafkaConfig(settings, false), Time.SYSTEM);
        try {
            Poll.runWithin("start-up of Kafka broker " + bootstrapServers, READY_TIMEOUT, starting::startup);
            awaitReady();
        } catch (RuntimeException e) {
            try {
                Poll.runWithin("shutdown of Kafka broker " + bootstrapServers, STOP_TIMEOUT, () -> {
                    starting.shutdown();
                    starting.awaitShutdown();
                });
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new TestkitException("Kafka broker " + bootstrapServers + " did not start", e);
        }
        server = starting;
        LOG.info("Kafka broker {} ready in {} ms (data {})", bootstrapServers, elapsedMillis(started), dataDir);
    }

    private void awaitReady() {
        Map<String, Object> adminSettings = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
        try (Admin admin = Admin.create(adminSettings)) {
            Poll.until("Kafka broker " + bootstrapServers + " to describe its cluster", READY_TIMEOUT,
                    POLL_INTERVAL, () -> {
                        var nodes = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                        Optional<Node> self = nodes.stream().filter(n -> n.id() == KraftStorage.NODE_ID).findAny();
                        return self.map(n -> Boolean.TRUE);
                    });
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("Kafka broker " + bootstrapServers + " is closed");
        }
    }

    private static long elapsedMillis(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}
