package io.tidemark.testkit;

/**
 * A test service could not be located, started, stopped or queried.
 *
 * <p>The message names the service and, where one exists, carries the evidence needed to
 * diagnose the failure (for example the tail of MariaDB's error log). Instances are immutable
 * and safe to share between threads.
 */
public final class TestkitException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Creates an exception with a message only. */
    public TestkitException(String message) {
        super(message);
    }

    /** Creates an exception with a message and the cause that triggered it. */
    public TestkitException(String message, Throwable cause) {
        super(message, cause);
    }
}
