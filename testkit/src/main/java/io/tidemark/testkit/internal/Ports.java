package io.tidemark.testkit.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Picks TCP ports on 127.0.0.1 that are free at the time of the call.
 *
 * <p>Another process may take a port between this call and its use; for tests on one machine the
 * window is small enough. Stateless and thread-safe.
 */
public final class Ports {

    /** The only address test services bind to. */
    public static final String LOOPBACK = "127.0.0.1";

    private Ports() {
    }

    /** Returns {@code count} distinct ports that were free a moment ago. */
    public static int[] free(int count) {
        ServerSocket[] sockets = new ServerSocket[count];
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                // Held open until all are picked, so the kernel cannot hand out one port twice.
                sockets[i] = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK));
                ports[i] = sockets[i].getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot find a free port on " + LOOPBACK, e);
        } finally {
            for (ServerSocket socket : sockets) {
                closeQuietly(socket);
            }
        }
    }

    private static void closeQuietly(ServerSocket socket) {
        if (socket == null) {
            return;
        }
        try {
            socket.close();
        } catch (IOException e) {
            // The port is only being probed; a failed close leaks nothing that matters.
        }
    }
}
