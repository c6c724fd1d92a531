package io.tidemark.filecache;

import java.io.IOException;
import java.nio.file.Path;

/** Another running process owns the spool directory. */
public final class SpoolInUseException extends IOException {
  public SpoolInUseException(Path dir) {
    super("the spool " + dir + " belongs to another running tidemark process; give each"
        + " process on this machine its own backup directory (backup-dir, MYSQL_BACKUP_DIR)");
  }
}
