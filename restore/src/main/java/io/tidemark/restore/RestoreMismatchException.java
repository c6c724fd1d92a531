package io.tidemark.restore;

/** The restored data differs from what the archive recorded (exit code 3). */
public final class RestoreMismatchException extends RuntimeException {
  public RestoreMismatchException(String message) {
    super(message);
  }
}
