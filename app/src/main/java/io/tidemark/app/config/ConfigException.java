package io.tidemark.app.config;

import java.util.List;

/** The configuration has problems; the message lists every one, each with its fix. */
public final class ConfigException extends Exception {
  private final List<String> problems;

  public ConfigException(List<String> problems) {
    super("the configuration has " + problems.size() + " problem" + (problems.size() == 1 ? "" : "s")
        + ":" + System.lineSeparator() + "  - "
        + String.join(System.lineSeparator() + "  - ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
