package io.tidemark.testkit.internal;

import io.tidemark.testkit.TestkitException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Bounded waits: repeats a check until it yields a value or a deadline passes, or runs a
 * blocking action that must finish in time.
 *
 * <p>An attempt returns a value when the condition holds, {@link Optional#empty()} or throws an
 * ordinary exception when it does not hold yet, and throws {@link TestkitException} when waiting
 * longer is pointless (the caller's process died, for instance); that exception is rethrown at
 * once. Stateless and thread-safe.
 */
public final class Poll {

    /** One check of the condition being waited for. */
    @FunctionalInterface
    public interface Attempt<T> {
        /** Returns the value once ready, otherwise empty (or throws a non-fatal exception). */
        Optional<T> attempt() throws Exception;
    }

    private Poll() {
    }

    /**
     * Calls {@code attempt} every {@code interval} until it yields a value.
     *
     * @throws TestkitException on timeout (the last non-fatal failure as its cause), on a fatal
     *     failure of an attempt, or when the waiting thread is interrupted
     */
    public static <T> T until(String what, Duration timeout, Duration interval, Attempt<T> attempt) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception lastFailure = null;
        while (true) {
            try {
                Optional<T> result = attempt.attempt();
                if (result.isPresent()) {
                    return result.get();
                }
            } catch (TestkitException fatal) {
                throw fatal;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TestkitException("Interrupted while waiting for " + what, e);
            } catch (Exception e) {
                lastFailure = e;
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                throw new TestkitException("Timed out after " + timeout + " waiting for " + what, lastFailure);
            }
            pause(Math.min(remaining, interval.toNanos()), what);
        }
    }

    /**
     * Runs a blocking {@code action} on a daemon thread of its own and waits at most
     * {@code timeout} for it. On timeout the action keeps running in the background.
     *
     * @throws TestkitException on timeout, on interrupt, or wrapping the action's failure
     */
    public static void runWithin(String what, Duration timeout, Runnable action) {
        FutureTask<Void> task = new FutureTask<>(action, null);
        Thread thread = new Thread(task, "tidemark-testkit " + what);
        thread.setDaemon(true);
        thread.start();
        try {
            task.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new TestkitException(what + " did not finish within " + timeout, e);
        } catch (ExecutionException e) {
            throw new TestkitException(what + " failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TestkitException("Interrupted while waiting for " + what, e);
        }
    }

    private static void pause(long nanos, String what) {
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TestkitException("Interrupted while waiting for " + what, e);
        }
    }
}
