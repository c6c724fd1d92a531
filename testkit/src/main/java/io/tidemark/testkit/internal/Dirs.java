package io.tidemark.testkit.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** File-system chores of the test services. Stateless and thread-safe. */
public final class Dirs {

    private Dirs() {
    }

    /** Creates a fresh directory under the system temp dir, named after {@code prefix}. */
    public static Path createTemp(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a temporary directory " + prefix, e);
        }
    }

    /** Creates {@code dir} and its parents if missing and returns it. */
    public static Path create(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create directory " + dir, e);
        }
    }

    /** Deletes {@code root} and everything below it; a missing root is not an error. */
    public static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(root)) {
            paths = walk.sorted(Comparator.reverseOrder()).collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + root + " for deletion", e);
        }
        for (Path path : paths) {
            try {
                Files.deleteIfExists(path);
            } catch (NoSuchFileException e) {
                // Removed concurrently: the goal is reached.
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot delete " + path, e);
            }
        }
    }

    /** Returns the last {@code maxLines} lines of a text file, or a note if it cannot be read. */
    public static String tail(Path file, int maxLines) {
        try {
            // Decoding a byte array replaces malformed input instead of failing on it.
            List<String> lines = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines()
                    .collect(Collectors.toList());
            int from = Math.max(0, lines.size() - maxLines);
            return String.join(System.lineSeparator(), lines.subList(from, lines.size()));
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }
}
