package io.tidemark.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Results of one benchmark run, in the order they were recorded, as {@code key=value} lines. */
final class Results {
  private final Map<String, String> values = new LinkedHashMap<>();

  Results put(String key, Object value) {
    values.put(key, value instanceof Double d ? String.format(Locale.ROOT, "%.1f", d)
        : String.valueOf(value));
    return this;
  }

  /** Prints the results and writes them to {@code out} (appending to what is there). */
  void write(Path out) throws IOException {
    String text = values.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining("\n", "", "\n"));
    System.out.print(text);
    if (out.getParent() != null) {
      Files.createDirectories(out.getParent());
    }
    Files.writeString(out, text, java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
  }
}
