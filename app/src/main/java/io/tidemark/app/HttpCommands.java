package io.tidemark.app;

import io.tidemark.app.config.ConfigKey;
import io.tidemark.app.config.ConfigReader;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Talks to the status API of a running {@code tidemark run}. */
final class HttpCommands {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private HttpCommands() {}

  /** The base URL of the running process's API, from http.listen. */
  static URI base(ConfigReader reader) {
    InetSocketAddress a = reader.httpAddress().orElse(null);
    if (a == null && reader.optional(ConfigKey.HTTP).isPresent()) {
      reader.problem(ConfigKey.HTTP.label() + " is off: give the address the running"
          + " `tidemark run` serves its status API on");
    }
    return a == null ? null : URI.create("http://" + a.getHostString() + ":" + a.getPort());
  }

  /**
   * Sends a request and returns the body of a 2xx answer.
   *
   * @throws IllegalStateException when nothing listens or the process answers an error
   */
  static String call(URI base, String method, String path, Duration timeout) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout)
        .method(method, HttpRequest.BodyPublishers.noBody()).build();
    HttpResponse<String> r;
    try {
      r = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException e) {
      throw new IllegalStateException("no tidemark process answers on " + base + ": start"
          + " `tidemark run`, or point --http (TIDEMARK_HTTP) at the address it listens on");
    } catch (IOException e) {
      throw new IllegalStateException("the tidemark process on " + base + " did not answer "
          + method + " " + path + ": " + e.getMessage());
    }
    if (r.statusCode() / 100 != 2) {
      throw new IllegalStateException(method + " " + base.resolve(path) + " answered "
          + r.statusCode() + ": " + r.body());
    }
    return r.body();
  }
}
