package io.tidemark.sinks;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * How many records Kafka holds that are not yet durable in the archive: the sum over the change
 * and snapshot topics' partitions of end offset minus the sink group's committed offset. A topic
 * that does not exist yet holds nothing.
 */
public final class ConsumerLag {
  private ConsumerLag() {}

  public static long of(Admin admin, SinkSettings settings)
      throws InterruptedException, ExecutionException, TimeoutException {
    Map<TopicPartition, OffsetAndMetadata> committed = admin
        .listConsumerGroupOffsets(settings.groupId()).partitionsToOffsetAndMetadata()
        .get(30, TimeUnit.SECONDS);
    long lag = 0;
    for (String topic : List.of(settings.topics().changes(), settings.topics().snapshots())) {
      TopicDescription description;
      try {
        description = admin.describeTopics(List.of(topic)).allTopicNames()
            .get(30, TimeUnit.SECONDS).get(topic);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof UnknownTopicOrPartitionException) {
          continue;
        }
        throw e;
      }
      Map<TopicPartition, OffsetSpec> latest = description.partitions().stream().collect(
          Collectors.toMap(p -> new TopicPartition(topic, p.partition()), p -> OffsetSpec.latest()));
      Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
          admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
      for (var e : ends.entrySet()) {
        OffsetAndMetadata c = committed.get(e.getKey());
        lag += e.getValue().offset() - (c == null ? 0 : c.offset());
      }
    }
    return lag;
  }
}
