package io.tidemark.app.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The settings as text, from the YAML file, then the environment, then flags, each overriding
 * the one before; a key none of them sets has its default.
 */
public final class RawConfig {
  private final Map<ConfigKey, String> values;

  private RawConfig(Map<ConfigKey, String> values) {
    this.values = values;
  }

  /**
   * @param file the YAML file, if one was given
   * @param env the process environment
   * @param flags values given on the command line
   * @throws ConfigException for an unreadable file or keys it should not hold, all at once
   */
  public static RawConfig load(Optional<Path> file, Map<String, String> env,
      Map<ConfigKey, String> flags) throws ConfigException {
    Map<ConfigKey, String> values = new EnumMap<>(ConfigKey.class);
    for (ConfigKey k : ConfigKey.values()) {
      k.defaultValue().ifPresent(v -> values.put(k, v));
    }
    if (file.isPresent()) {
      values.putAll(readYaml(file.get()));
    }
    for (ConfigKey k : ConfigKey.values()) {
      String v = env.get(k.env());
      if (v != null) {
        values.put(k, v.strip());
      }
    }
    values.putAll(flags);
    return new RawConfig(values);
  }

  public Optional<String> get(ConfigKey key) {
    return Optional.ofNullable(values.get(key)).filter(v -> !v.isEmpty());
  }

  private static Map<ConfigKey, String> readYaml(Path file) throws ConfigException {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
    } catch (JacksonException e) {
      throw new ConfigException(List.of("the file " + file + " is not valid YAML ("
          + e.getOriginalMessage() + " at line " + e.getLocation().getLineNr()
          + "): fix the syntax"));
    } catch (IOException e) {
      throw new ConfigException(List.of("cannot read the file " + file + " (" + e
          + "): give -c the path of a readable YAML file"));
    }
    Map<ConfigKey, String> values = new EnumMap<>(ConfigKey.class);
    List<String> problems = new ArrayList<>();
    if (root != null && !root.isNull() && !root.isMissingNode()) {
      flatten("", root, values, problems, file);
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return values;
  }

  private static void flatten(String path, JsonNode node, Map<ConfigKey, String> values,
      List<String> problems, Path file) {
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        flatten(path.isEmpty() ? field.getKey() : path + "." + field.getKey(), field.getValue(),
            values, problems, file);
      }
      return;
    }
    Optional<ConfigKey> key = ConfigKey.byYamlPath(path);
    if (key.isEmpty() && path.endsWith("password")) {
      problems.add(path + " in " + file + ": passwords never live in the configuration file;"
          + " remove it and use TIDEMARK_SOURCE_PASSWORD or source.defaults-file");
    } else if (key.isEmpty()) {
      problems.add(path + " in " + file + " is not a tidemark setting: remove it or fix its"
          + " spelling (`tidemark run --help` lists the settings)");
    } else if (node.isArray()) {
      List<String> items = new ArrayList<>();
      node.forEach(item -> items.add(item.asText()));
      values.put(key.get(), String.join(",", items));
    } else {
      values.put(key.get(), node.isNull() ? "" : node.asText());
    }
  }
}
