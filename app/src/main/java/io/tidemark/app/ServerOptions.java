package io.tidemark.app;

import io.tidemark.app.config.ConfigReader;
import io.tidemark.app.config.ServerAddress;
import io.tidemark.restore.RestoreSettings;
import java.nio.file.Path;
import java.util.Optional;

/** Reading a server given on the command line, such as {@code --target}. */
final class ServerOptions {
  private ServerOptions() {}

  /** The target server; the password from TIDEMARK_TARGET_PASSWORD or the defaults file. */
  static RestoreSettings.Target target(ConfigReader reader, String url, Path defaultsFile) {
    if (url == null) {
      reader.problem("--target is missing: give the server to restore into, e.g. --target"
          + " mysql://root@127.0.0.1:3307 with TIDEMARK_TARGET_PASSWORD set");
      return null;
    }
    ServerAddress a = reader.server("--target", url, "TIDEMARK_TARGET_PASSWORD",
        Optional.ofNullable(defaultsFile));
    return a == null ? null : new RestoreSettings.Target(a.host(), a.port(), a.user(), a.password());
  }
}
