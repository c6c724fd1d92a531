package io.tidemark.testkit.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Kills the server processes started by the test kit when the JVM exits, so an aborted test run
 * does not leave a {@code mariadbd} behind holding ports and files.
 *
 * <p>Thread-safe: the registry is a concurrent set and the exit hook is installed once.
 */
public final class ChildProcesses {

    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ChildProcesses::killAll, "tidemark-testkit-reaper"));
    }

    private ChildProcesses() {
    }

    /** Remembers {@code process} until {@link #forget} is called or the JVM exits. */
    public static void register(Process process) {
        LIVE.add(process);
    }

    /** Stops watching {@code process}, typically after it has exited. */
    public static void forget(Process process) {
        LIVE.remove(process);
    }

    private static void killAll() {
        for (Process process : LIVE) {
            process.destroyForcibly();
        }
    }
}
