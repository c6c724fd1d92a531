package io.tidemark.app.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The {@code [client]} section of a my.cnf-style defaults file. */
record MyCnf(Map<String, String> client) {
  static MyCnf read(Path file) throws IOException {
    Map<String, String> client = new HashMap<>();
    boolean inClient = false;
    for (String line : Files.readAllLines(file)) {
      String l = line.strip();
      if (l.startsWith("[")) {
        inClient = l.equals("[client]");
      } else if (inClient && !l.isEmpty() && !l.startsWith("#") && !l.startsWith(";")) {
        int eq = l.indexOf('=');
        if (eq > 0) {
          client.put(l.substring(0, eq).strip().replace('_', '-'), unquote(l.substring(eq + 1).strip()));
        }
      }
    }
    return new MyCnf(client);
  }

  private static String unquote(String v) {
    boolean quoted = v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"")
        || v.startsWith("'") && v.endsWith("'"));
    return quoted ? v.substring(1, v.length() - 1) : v;
  }

  Optional<String> user() {
    return Optional.ofNullable(client.get("user"));
  }

  Optional<String> password() {
    return Optional.ofNullable(client.get("password"));
  }

  @Override
  public String toString() {
    return "MyCnf[client keys=" + client.keySet() + "]";
  }
}
