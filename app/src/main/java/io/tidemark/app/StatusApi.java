package io.tidemark.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API of a running process (loopback by default): {@code GET /status},
 * {@code GET /backups}, {@code GET /status/restore}, {@code POST /snapshot} and the Prometheus
 * endpoint {@code GET /metrics}. A route whose handler is absent answers 404.
 */
final class StatusApi implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StatusApi.class);
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** The handlers a process offers; null where it has nothing to say. */
  record Routes(Callable<Map<String, Object>> status, Callable<Map<String, Object>> backups,
      Callable<Map<String, Object>> restore, Callable<Map<String, Object>> snapshot,
      PrometheusMeterRegistry metrics) {}

  private final HttpServer server;
  private final ExecutorService threads = Executors.newFixedThreadPool(2,
      r -> new Thread(r, "tidemark-http"));

  private StatusApi(HttpServer server) {
    this.server = server;
  }

  static StatusApi start(InetSocketAddress address, Routes routes) throws IOException {
    HttpServer server = HttpServer.create(address, 16);
    StatusApi api = new StatusApi(server);
    api.route("/status", "GET", routes.status());
    api.route("/backups", "GET", routes.backups());
    api.route("/status/restore", "GET", routes.restore());
    api.route("/snapshot", "POST", routes.snapshot());
    server.createContext("/metrics", exchange -> {
      if (routes.metrics() == null) {
        send(exchange, 404, "text/plain", "no metrics\n");
      } else {
        send(exchange, 200, "text/plain; version=0.0.4", routes.metrics().scrape());
      }
    });
    server.setExecutor(api.threads);
    server.start();
    log.info("status API on http://{}:{}", address.getHostString(), api.port());
    return api;
  }

  int port() {
    return server.getAddress().getPort();
  }

  private void route(String path, String method, Callable<Map<String, Object>> handler) {
    server.createContext(path, exchange -> {
      if (!exchange.getRequestURI().getPath().equals(path)) {
        send(exchange, 404, "application/json", "{\"error\":\"no such resource\"}");
      } else if (handler == null) {
        send(exchange, 404, "application/json", "{\"error\":\"this process has no " + path
            + "\"}");
      } else if (!exchange.getRequestMethod().equals(method)) {
        send(exchange, 405, "application/json", "{\"error\":\"use " + method + "\"}");
      } else {
        answer(exchange, handler);
      }
    });
  }

  private static void answer(HttpExchange exchange, Callable<Map<String, Object>> handler)
      throws IOException {
    try {
      send(exchange, 200, "application/json", JSON.writeValueAsString(handler.call()));
    } catch (Exception e) {
      log.warn("{} failed: {}", exchange.getRequestURI(), e.toString());
      send(exchange, 500, "application/json",
          JSON.writeValueAsString(Map.of("error", String.valueOf(e.getMessage()))));
    }
  }

  private static void send(HttpExchange exchange, int code, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
