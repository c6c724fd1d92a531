package io.tidemark.app.config;

import io.tidemark.schemas.MasterKey;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads typed settings from the raw ones and collects every problem, so that one run reports
 * them all: each names the key, the bad value (never a secret) and the fix.
 */
public final class ConfigReader {
  private static final Pattern SERVER_URL = Pattern.compile(
      "(mysql|mariadb)://([^@/:]+)(:[^@]*)?@([^:/@]+)(?::(\\d{1,5}))?/?");
  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");
  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KiB|MiB|GiB|TiB)?");

  private final RawConfig raw;
  private final Map<String, String> env;
  private final List<String> problems = new ArrayList<>();

  public ConfigReader(RawConfig raw, Map<String, String> env) {
    this.raw = raw;
    this.env = env;
  }

  /** Records a problem found outside this reader (a flag's value, a combination). */
  public void problem(String problemAndFix) {
    problems.add(problemAndFix);
  }

  /** @throws ConfigException listing every problem found so far */
  public void check() throws ConfigException {
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
  }

  public Optional<String> optional(ConfigKey key) {
    return raw.get(key);
  }

  public String required(ConfigKey key, String example) {
    return raw.get(key).orElseGet(() -> {
      problems.add(key.label() + " is not set: set it in the file, the environment or the"
          + " command's flag, e.g. " + example);
      return null;
    });
  }

  public int intAtLeast(ConfigKey key, int min) {
    String v = raw.get(key).orElse("");
    try {
      int n = Integer.parseInt(v);
      if (n >= min) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    problems.add(key.label() + " is '" + v + "': it must be a whole number of at least " + min);
    return min;
  }

  /** {@code 500ms}, {@code 10s}, {@code 5m}, {@code 24h}, {@code 7d}. */
  public Duration duration(ConfigKey key) {
    String v = raw.get(key).orElse("");
    Matcher m = DURATION.matcher(v);
    if (m.matches() && Long.parseLong(m.group(1)) > 0) {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    }
    problems.add(key.label() + " is '" + v + "': write a positive duration such as 500ms, 10s,"
        + " 5m, 24h or 7d");
    return Duration.ofSeconds(1);
  }

  /** Bytes: {@code 1048576}, {@code 512KiB}, {@code 16MiB}, {@code 10GiB}. */
  public long dataSize(ConfigKey key) {
    String v = raw.get(key).orElse("");
    Matcher m = SIZE.matcher(v);
    if (m.matches()) {
      int shift = m.group(2) == null ? 0
          : List.of("B", "KiB", "MiB", "GiB", "TiB").indexOf(m.group(2)) * 10;
      long n = Long.parseLong(m.group(1));
      if (n > 0 && n < (Long.MAX_VALUE >> shift)) {
        return n << shift;
      }
    }
    problems.add(key.label() + " is '" + v + "': write a positive size such as 512KiB, 16MiB"
        + " or 10GiB");
    return 1;
  }

  /** One of the constants of {@code type}, written in any case. */
  public <E extends Enum<E>> E choice(ConfigKey key, Class<E> type) {
    String v = raw.get(key).orElse("");
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(v)) {
        return e;
      }
    }
    problems.add(key.label() + " is '" + v + "': choose one of "
        + Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT))
            .toList());
    return type.getEnumConstants()[0];
  }

  public List<String> list(ConfigKey key) {
    return raw.get(key).map(v -> Arrays.stream(v.split(",")).map(String::strip)
        .filter(s -> !s.isEmpty()).toList()).orElse(List.of());
  }

  /** A path; a leading {@code ~/} is the user's home. */
  public Path path(ConfigKey key) {
    String v = raw.get(key).orElse(".");
    return v.startsWith("~/") ? Path.of(System.getProperty("user.home"), v.substring(2))
        : Path.of(v);
  }

  /** The source server with its credentials. */
  public ServerAddress source() {
    String url = required(ConfigKey.SOURCE, "TIDEMARK_SOURCE=mysql://tidemark@db1:3306");
    return url == null ? null : server(ConfigKey.SOURCE.label(), url,
        ConfigKey.SOURCE_PASSWORD.env(), raw.get(ConfigKey.SOURCE_DEFAULTS_FILE).map(Path::of));
  }

  /**
   * A server from its URL; the password from {@code passwordEnv} or else the defaults file.
   *
   * @param label how messages name the setting
   */
  public ServerAddress server(String label, String url, String passwordEnv,
      Optional<Path> defaultsFile) {
    Matcher m = SERVER_URL.matcher(url);
    if (!m.matches()) {
      problems.add(label + " is '" + url.replaceAll(":[^:@/]*@", ":***@") + "': write"
          + " mysql://USER@HOST:PORT or mariadb://USER@HOST:PORT");
      return null;
    }
    if (m.group(3) != null) {
      problems.add(label + " carries a password, which would show in `ps` and in logs: remove"
          + " it from the URL and set " + passwordEnv + " or use a defaults file");
      return null;
    }
    int port = m.group(5) == null ? 3306 : Integer.parseInt(m.group(5));
    String user = m.group(2);
    String password = env.get(passwordEnv);
    if (password == null && defaultsFile.isPresent()) {
      try {
        MyCnf cnf = MyCnf.read(defaultsFile.get());
        password = cnf.password().orElse(null);
        user = cnf.user().orElse(user);
      } catch (java.io.IOException e) {
        problems.add("cannot read the defaults file " + defaultsFile.get() + " (" + e.getMessage()
            + "): give a readable my.cnf-style file with a [client] section");
        return null;
      }
    }
    if (password == null) {
      problems.add("no password for " + user + "@" + m.group(4) + ":" + port + " (" + label
          + "): set " + passwordEnv + " or give a defaults file whose [client] section has"
          + " password=...");
      return null;
    }
    return new ServerAddress(m.group(4), port, user, password);
  }

  public Repository repository() {
    String url = required(ConfigKey.REPOSITORY, "S3_BUCKET=s3://my-bucket/tidemark");
    if (url == null) {
      return null;
    }
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      uri = URI.create("invalid:/");
    }
    if ("s3".equals(uri.getScheme()) && uri.getHost() != null) {
      String prefix = uri.getPath() == null ? "" : uri.getPath().replaceAll("^/+|/+$", "");
      String endpoint = env.get("AWS_ENDPOINT_URL_S3") != null ? env.get("AWS_ENDPOINT_URL_S3")
          : env.get("AWS_ENDPOINT_URL");
      return new Repository.S3(uri.getHost(), prefix,
          endpoint == null || endpoint.isBlank() ? null : URI.create(endpoint));
    }
    if ("file".equals(uri.getScheme()) && uri.getPath() != null && uri.getPath().length() > 1) {
      return new Repository.Local(Path.of(uri.getPath()));
    }
    problems.add(ConfigKey.REPOSITORY.label() + " is '" + url + "': write s3://BUCKET/PREFIX or"
        + " file:///ABSOLUTE/PATH");
    return null;
  }

  /** The master key that encrypts bundles, from its file or the environment; null for none. */
  public MasterKey masterKey() {
    try {
      return MasterKey.load(raw.get(ConfigKey.MASTER_KEY_FILE).map(Path::of).orElse(null),
          raw.get(ConfigKey.MASTER_KEY).orElse(null), ConfigKey.MASTER_KEY_FILE.label(),
          ConfigKey.MASTER_KEY.env());
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
    } catch (java.io.IOException e) {
      problems.add("cannot read the master key file (" + e.getMessage() + "): give "
          + ConfigKey.MASTER_KEY_FILE.label() + " a readable file");
    }
    return null;
  }

  /** The status API's address; empty when it is {@code off}. */
  public Optional<InetSocketAddress> httpAddress() {
    return address(ConfigKey.HTTP.label(), raw.get(ConfigKey.HTTP).orElse("off"));
  }

  /**
   * {@code HOST:PORT}, or empty for {@code off}.
   *
   * @param label how messages name the setting
   */
  public Optional<InetSocketAddress> address(String label, String value) {
    if (value.equalsIgnoreCase("off")) {
      return Optional.empty();
    }
    int colon = value.lastIndexOf(':');
    try {
      int port = Integer.parseInt(value.substring(colon + 1));
      if (colon > 0 && port >= 0 && port < 65536) {
        return Optional.of(new InetSocketAddress(value.substring(0, colon), port));
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    problems.add(label + " is '" + value + "': write HOST:PORT (127.0.0.1:7878) or off");
    return Optional.empty();
  }
}
