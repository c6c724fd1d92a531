package io.tidemark.capture.internal;

import io.tidemark.capture.CaptureSettings;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the topics capture writes to or locks on, where they do not exist yet. */
public final class CaptureTopics {
  private static final Logger log = LoggerFactory.getLogger(CaptureTopics.class);
  private static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

  private CaptureTopics() {}

  /**
   * The change topic with the configured partitions, and the capture lock topic with exactly
   * one partition: the group assigns that partition to one member only.
   *
   * @throws IllegalStateException if Kafka refuses or does not answer
   */
  public static void ensure(CaptureSettings s) {
    NewTopic changes = new NewTopic(s.topics().changes(), s.partitions(), s.replicationFactor())
        .configs(Map.of("max.message.bytes", Integer.toString(MAX_MESSAGE_BYTES)));
    NewTopic lock = new NewTopic(s.topics().captureLock(), 1, s.replicationFactor());
    try (Admin admin = Admin.create(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrapServers()))) {
      for (NewTopic topic : List.of(changes, lock)) {
        create(admin, topic, s.bootstrapServers());
      }
    }
  }

  private static void create(Admin admin, NewTopic topic, String bootstrap) {
    try {
      admin.createTopics(List.of(topic)).all().get(60, TimeUnit.SECONDS);
      log.info("created topic {} with {} partitions", topic.name(), topic.numPartitions());
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("cannot create Kafka topic " + topic.name() + " at "
            + bootstrap + ": " + e.getCause().getMessage(), e.getCause());
      }
    } catch (TimeoutException e) {
      throw new IllegalStateException("Kafka at " + bootstrap + " did not answer within 60 s;"
          + " check KAFKA_BOOTSTRAP_SERVERS", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    }
  }
}
