package io.tidemark.app;

import io.tidemark.app.config.ConfigKey;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"The continuous pipeline: capture of the source's binlog into Kafka, sink"
        + " workers writing bundles to the repository, and the snapshot schedule (the first"
        + " snapshot at once when the repository has none).",
        "SIGTERM or SIGINT stops it in order (capture first, then the sinks make every batch"
            + " durable) and exits 0. A stage that fails alerts and exits 1."})
final class RunCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Option(names = "--role", paramLabel = "ROLE", defaultValue = "all",
      description = "all: capture, snapshots and a sink worker; sink: a sink worker only, to add"
          + " throughput (default: ${DEFAULT-VALUE})")
  String role;

  @Option(names = "--source", paramLabel = "URL",
      description = "mysql://USER@HOST:PORT (TIDEMARK_SOURCE); the password from"
          + " TIDEMARK_SOURCE_PASSWORD or --defaults-file")
  String source;

  @Option(names = "--defaults-file", paramLabel = "FILE",
      description = "my.cnf-style file with the source password in [client]")
  Path defaultsFile;

  @Mixin RepositoryOption repository;

  @Option(names = "--kafka", paramLabel = "SERVERS",
      description = "Kafka bootstrap servers (KAFKA_BOOTSTRAP_SERVERS); none: an embedded broker")
  String kafka;

  @Option(names = "--backup-dir", paramLabel = "DIR",
      description = "local state: spool, embedded broker data (MYSQL_BACKUP_DIR)")
  Path backupDir;

  @Option(names = "--http", paramLabel = "HOST:PORT",
      description = "status API and metrics address, or off (TIDEMARK_HTTP)")
  String http;

  @Override
  public Integer call() throws Exception {
    var reader = config.read(ConfigOptions.flags(ConfigKey.SOURCE, source,
        ConfigKey.SOURCE_DEFAULTS_FILE, defaultsFile, ConfigKey.REPOSITORY, repository.url,
        ConfigKey.KAFKA, kafka, ConfigKey.BACKUP_DIR, backupDir, ConfigKey.HTTP, http));
    RunConfig.Role parsed = switch (role.toLowerCase(java.util.Locale.ROOT)) {
      case "all" -> RunConfig.Role.ALL;
      case "sink" -> RunConfig.Role.SINK;
      default -> {
        reader.problem("--role is '" + role + "': choose all or sink");
        yield RunConfig.Role.ALL;
      }
    };
    return new RunService(RunConfig.read(reader, parsed), System.out).run();
  }
}
