package io.tidemark.testkit.internal;

import io.tidemark.testkit.TestkitException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;

/**
 * Settings and storage formatting of a single-node KRaft broker that is also its own controller.
 *
 * <p>Formatting goes through {@link StorageTool#execute}, the tool's entry point that reports an
 * exit code instead of calling {@code System.exit}; it only needs {@code kafka_2.13} on the
 * compile class path. Stateless and thread-safe.
 */
public final class KraftStorage {

    /** Node id of the only node; it is broker and controller at once. */
    public static final int NODE_ID = 1;

    private KraftStorage() {
    }

    /** Broker settings for one node with the given listener ports and log directory. */
    public static Map<String, String> settings(int brokerPort, int controllerPort, Path logDir) {
        String broker = "PLAINTEXT://" + Ports.LOOPBACK + ":" + brokerPort;
        String controller = "CONTROLLER://" + Ports.LOOPBACK + ":" + controllerPort;
        return Map.ofEntries(
                Map.entry("process.roles", "broker,controller"),
                Map.entry("node.id", Integer.toString(NODE_ID)),
                Map.entry("controller.quorum.voters", NODE_ID + "@" + Ports.LOOPBACK + ":" + controllerPort),
                Map.entry("controller.listener.names", "CONTROLLER"),
                Map.entry("listeners", broker + "," + controller),
                Map.entry("advertised.listeners", broker),
                Map.entry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
                Map.entry("inter.broker.listener.name", "PLAINTEXT"),
                Map.entry("log.dirs", logDir.toString()),
                Map.entry("num.partitions", "1"),
                Map.entry("default.replication.factor", "1"),
                Map.entry("min.insync.replicas", "1"),
                Map.entry("auto.create.topics.enable", "true"),
                Map.entry("offsets.topic.replication.factor", "1"),
                // One partition: a first consumer group then waits for one coordinator, not fifty.
                Map.entry("offsets.topic.num.partitions", "1"),
                Map.entry("transaction.state.log.replication.factor", "1"),
                Map.entry("transaction.state.log.min.isr", "1"),
                Map.entry("transaction.state.log.num.partitions", "1"),
                Map.entry("share.coordinator.state.topic.replication.factor", "1"),
                Map.entry("share.coordinator.state.topic.min.isr", "1"),
                Map.entry("group.initial.rebalance.delay.ms", "0"),
                // The default 128 MiB de-duplication buffer is sized for production heaps.
                Map.entry("log.cleaner.dedupe.buffer.size", Integer.toString(8 * 1024 * 1024)));
    }

    /**
     * Formats the log directory named in {@code settings} with a new cluster id, leaving an
     * already formatted directory as it is. The settings are also written to
     * {@code propertiesFile}, which the storage tool reads.
     */
    public static void formatIfNeeded(Map<String, String> settings, Path propertiesFile) {
        // The tool's --ignore-formatted still insists on the same cluster id, which only the
        // directory itself knows; a directory with meta.properties is formatted already.
        if (Files.exists(Path.of(settings.get("log.dirs"), "meta.properties"))) {
            return;
        }
        String clusterId = Uuid.randomUuid().toString();
        writeProperties(settings, propertiesFile);
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int exitCode;
        try (PrintStream printStream = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            String[] args = {"format", "--config", propertiesFile.toString(), "--cluster-id", clusterId};
            exitCode = StorageTool.execute(args, printStream);
        } catch (RuntimeException e) {
            throw new TestkitException("Formatting Kafka storage failed: " + output.toString(StandardCharsets.UTF_8), e);
        }
        if (exitCode != 0) {
            throw new TestkitException("Formatting Kafka storage exited with " + exitCode + ": "
                    + output.toString(StandardCharsets.UTF_8));
        }
    }

    private static void writeProperties(Map<String, String> settings, Path file) {
        Properties properties = new Properties();
        properties.putAll(settings);
        try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            properties.store(writer, "Written by the Tidemark testkit for the storage tool");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }
}
