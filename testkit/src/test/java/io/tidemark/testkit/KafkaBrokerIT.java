package io.tidemark.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaBrokerIT {

    private static final int RECORDS = 200;

    @Test
    void recordsRoundTripAndSurviveARestartOnTheSameAddress(@TempDir Path dataDir) throws Exception {
        try (KafkaBroker broker = KafkaBroker.start(dataDir)) {
            String bootstrap = broker.bootstrapServers();
            String topic = "roundtrip-" + UUID.randomUUID();
            List<String> sent = IntStream.range(0, RECORDS).mapToObj(i -> "value-" + i).toList();

            produce(bootstrap, topic, sent);
            assertThat(consumeAll(bootstrap, topic, RECORDS)).containsExactlyElementsOf(sent);

            broker.stop();
            assertThat(broker.isRunning()).isFalse();
            broker.restart();

            assertThat(broker.bootstrapServers()).isEqualTo(bootstrap);
            assertThat(consumeAll(bootstrap, topic, RECORDS)).containsExactlyElementsOf(sent);
            produce(bootstrap, topic, List.of("after-restart"));
            assertThat(consumeAll(bootstrap, topic, RECORDS + 1)).endsWith("after-restart");
        }
    }

    @Test
    void aProducerCreatedBeforeTheRestartReconnects() throws Exception {
        try (KafkaBroker broker = KafkaBroker.start();
             KafkaProducer<String, String> producer = producer(broker.bootstrapServers())) {
            String topic = "reconnect-" + UUID.randomUUID();
            producer.send(new ProducerRecord<>(topic, "before")).get(30, TimeUnit.SECONDS);

            broker.restart();

            producer.send(new ProducerRecord<>(topic, "after")).get(60, TimeUnit.SECONDS);
            assertThat(consumeAll(broker.bootstrapServers(), topic, 2)).containsExactly("before", "after");
        }
    }

    @Test
    void aNewBrokerOnTheSameDataDirectoryKeepsTheRecords(@TempDir Path dataDir) throws Exception {
        String topic = "reopen-" + UUID.randomUUID();
        try (KafkaBroker first = KafkaBroker.start(dataDir)) {
            produce(first.bootstrapServers(), topic, List.of("kept"));
        }
        assertThat(dataDir.resolve("logs")).isDirectory();

        try (KafkaBroker second = KafkaBroker.start(dataDir)) {
            assertThat(consumeAll(second.bootstrapServers(), topic, 1)).containsExactly("kept");
        }
    }

    @Test
    void closeDeletesTheTemporaryDataDirectory() {
        Path dataDir;
        try (KafkaBroker broker = KafkaBroker.start()) {
            dataDir = broker.dataDir();
            assertThat(dataDir).isDirectory();
        }
        assertThat(dataDir).doesNotExist();
    }

    private static void produce(String bootstrap, String topic, List<String> values) throws Exception {
        try (KafkaProducer<String, String> producer = producer(bootstrap)) {
            for (String value : values) {
                producer.send(new ProducerRecord<>(topic, value));
            }
            producer.flush();
        }
    }

    private static KafkaProducer<String, String> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000),
                new StringSerializer(), new StringSerializer());
    }

    /** Reads partition 0 from the beginning until {@code expected} records arrived or 30 s passed. */
    private static List<String> consumeAll(String bootstrap, String topic, int expected) {
        Map<String, Object> settings = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(settings, new StringDeserializer(), new StringDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
        }
        return values;
    }
}
