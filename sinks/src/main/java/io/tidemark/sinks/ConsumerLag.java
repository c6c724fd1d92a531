package io.tidemark.sinks;

import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * How many change events Kafka holds that are not yet durable in the archive: the sum over the
 * change topic's partitions of end offset minus the sink group's committed offset.
 */
public final class ConsumerLag {
  private ConsumerLag() {}

  public static long of(Admin admin, SinkSettings settings)
      throws InterruptedException, ExecutionException, TimeoutException {
    Map<TopicPartition, OffsetAndMetadata> committed = admin
        .listConsumerGroupOffsets(settings.groupId()).partitionsToOffsetAndMetadata()
        .get(30, TimeUnit.SECONDS);
    var partitions = admin.describeTopics(java.util.List.of(settings.topics().changes()))
        .allTopicNames().get(30, TimeUnit.SECONDS).get(settings.topics().changes()).partitions();
    Map<TopicPartition, OffsetSpec> latest = partitions.stream().collect(Collectors.toMap(
        p -> new TopicPartition(settings.topics().changes(), p.partition()), p -> OffsetSpec.latest()));
    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
        admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
    long lag = 0;
    for (var e : ends.entrySet()) {
      OffsetAndMetadata c = committed.get(e.getKey());
      lag += e.getValue().offset() - (c == null ? 0 : c.offset());
    }
    return lag;
  }
}
