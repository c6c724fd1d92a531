package io.tidemark.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidemark.app.config.ConfigKey;
import io.tidemark.app.config.ConfigReader;
import java.net.URI;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "status", mixinStandardHelpOptions = true,
    description = "The state of the running `tidemark run` (GET /status of its API): capture"
        + " mode and position, sink lag, spool, counters, last snapshot, recoverable range.")
final class StatusCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Option(names = "--http", paramLabel = "HOST:PORT",
      description = "where the running process serves its status API (TIDEMARK_HTTP)")
  String http;

  @Option(names = "--json", description = "the API's JSON as it is")
  boolean json;

  @Override
  public Integer call() throws Exception {
    ConfigReader reader = config.read(ConfigOptions.flags(ConfigKey.HTTP, http));
    URI base = HttpCommands.base(reader);
    reader.check();
    String body = HttpCommands.call(base, "GET", "/status", Duration.ofMinutes(1));
    if (json) {
      System.out.println(body);
    } else {
      print("", StatusApi.JSON.readTree(body));
    }
    return ExitCodes.OK;
  }

  private static void print(String indent, JsonNode node) {
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      if (f.getValue().isObject()) {
        System.out.println(indent + f.getKey().replace('_', ' ') + ":");
        print(indent + "  ", f.getValue());
      } else {
        System.out.println(indent + f.getKey().replace('_', ' ') + ": " + f.getValue().asText());
      }
    }
  }
}
