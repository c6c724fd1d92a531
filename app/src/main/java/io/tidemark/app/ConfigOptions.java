package io.tidemark.app;

import io.tidemark.app.config.ConfigException;
import io.tidemark.app.config.ConfigKey;
import io.tidemark.app.config.ConfigReader;
import io.tidemark.app.config.RawConfig;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The {@code -c FILE} option every command shares, and the reading of the settings. */
final class ConfigOptions {
  @Option(names = {"-c", "--config"}, paramLabel = "FILE",
      description = "YAML settings file; environment variables override it, flags override both")
  Path file;

  /** Pairs of a key and a flag's value (null when the flag was not given). */
  static Map<ConfigKey, Object> flags(Object... keysAndValues) {
    Map<ConfigKey, Object> flags = new EnumMap<>(ConfigKey.class);
    for (int i = 0; i < keysAndValues.length; i += 2) {
      flags.put((ConfigKey) keysAndValues[i], keysAndValues[i + 1]);
    }
    return flags;
  }

  /** Reads file, environment and the given flags (null values are flags not given). */
  ConfigReader read(Map<ConfigKey, Object> flags) throws ConfigException {
    Map<ConfigKey, String> given = new EnumMap<>(ConfigKey.class);
    flags.forEach((k, v) -> {
      if (v != null) {
        given.put(k, v.toString());
      }
    });
    Map<String, String> env = System.getenv();
    return new ConfigReader(RawConfig.load(Optional.ofNullable(file), env, given), env);
  }
}
