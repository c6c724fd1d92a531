package io.tidemark.app;

import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/** Fails fast, with the fix, when Kafka cannot be reached, instead of waiting in every client. */
final class KafkaCheck {
  private static final int TIMEOUT_SECONDS = 20;

  private KafkaCheck() {}

  static void requireReachable(String bootstrapServers) throws InterruptedException {
    try (Admin admin = Admin.create(Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_SECONDS * 1000,
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_SECONDS * 1000))) {
      admin.describeCluster().clusterId().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot reach Kafka at " + bootstrapServers + " within "
          + TIMEOUT_SECONDS + " s (check KAFKA_BOOTSTRAP_SERVERS, or leave it empty for the"
          + " embedded broker)", e);
    }
  }
}
