package io.tidemark.filecache;

import java.io.IOException;

/** The spool reached its configured size, or its disk is full: nothing was written. */
public final class SpoolFullException extends IOException {
  public SpoolFullException(String message, Throwable cause) {
    super(message, cause);
  }
}
