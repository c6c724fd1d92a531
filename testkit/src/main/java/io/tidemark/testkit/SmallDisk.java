package io.tidemark.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A really small disk: a tmpfs of a few hundred KiB or MiB mounted on a directory, so a test
 * meets a true "no space left on device". Mounting needs Linux and root (or CAP_SYS_ADMIN);
 * where it is refused, {@link #mount} says why and the caller skips that fault.
 */
public final class SmallDisk implements AutoCloseable {
    private final Path dir;

    private SmallDisk(Path dir) {
        this.dir = dir;
    }

    /**
     * Mounts a tmpfs of {@code size} (as {@code mount -o size=}, e.g. {@code 1m}) on
     * {@code dir}, created if missing.
     *
     * @return the disk, or empty with the reason in {@code why} when it cannot be mounted here
     */
    public static Optional<SmallDisk> mount(Path dir, String size, StringBuilder why) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            why.append(e.getMessage());
            return Optional.empty();
        }
        String failure = command("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs",
                dir.toString());
        if (!failure.isEmpty()) {
            why.append("a real full disk needs a tmpfs, and mounting one needs Linux and root"
                    + " (or CAP_SYS_ADMIN): ").append(failure);
            return Optional.empty();
        }
        return Optional.of(new SmallDisk(dir));
    }

    public Path dir() {
        return dir;
    }

    /** Unmounts the disk; what was on it is gone. */
    @Override
    public void close() {
        String failure = command("umount", dir.toString());
        if (!failure.isEmpty()) {
            throw new TestkitException("cannot unmount " + dir + ": " + failure);
        }
    }

    /** Runs a command; its output when it failed, "" when it succeeded. */
    private static String command(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return String.join(" ", command) + " did not finish within 30 s";
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.exitValue() == 0 ? "" : "exit " + p.exitValue() + ": " + out.trim();
        } catch (IOException e) {
            return e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
