package io.tidemark.filecache;

import java.io.IOException;

/** A spool file whose checksum or framing is wrong; it was moved aside and never uploaded. */
public final class CorruptSpoolEntryException extends IOException {
  public CorruptSpoolEntryException(String message) {
    super(message);
  }
}
