package io.dataflux.testing;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflux.sample.ForumPostGenerator.GeneratedRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.resps.StreamPendingSummary;

/** Feeds the pipeline and reads what it left in each real server, with plain clients: for the tests and the demo. */
public final class PipelineProbe {

    public static final ObjectMapper JSON = new ObjectMapper();

    private PipelineProbe() {
    }

    /** XADDs the records to the stream, field {@code value}, bytes as they are (invalid UTF-8 included). */
    public static void push(String streamKey, List<GeneratedRecord> records) {
        try (Jedis redis = redis()) {
            push(redis, streamKey, records);
        }
    }

    /** The same on another Redis server (a dedicated one). */
    public static void push(Jedis redis, String streamKey, List<GeneratedRecord> records) {
        try (Pipeline pipeline = redis.pipelined()) {
            byte[] key = streamKey.getBytes(StandardCharsets.UTF_8);
            byte[] field = "value".getBytes(StandardCharsets.UTF_8);
            for (GeneratedRecord record : records) {
                pipeline.xadd(key, XAddParams.xAddParams(), Map.of(field, record.payload()));
            }
            pipeline.sync();
        }
    }

    /** True once the group has read the whole stream and acknowledged every entry it read. */
    public static boolean allAcknowledged(String streamKey, String group) {
        try (Jedis redis = redis()) {
            return allAcknowledged(redis, streamKey, group);
        }
    }

    /** The same on another Redis server (a dedicated one). */
    public static boolean allAcknowledged(Jedis redis, String streamKey, String group) {
        StreamPendingSummary pending = redis.xpending(streamKey, group);
        String last = redis.xinfoStream(streamKey).getLastGeneratedId().toString();
        boolean allRead = redis.xinfoGroups(streamKey).stream()
                .anyMatch(info -> info.getName().equals(group) && info.getLastDeliveredId().toString().equals(last));
        return allRead && pending.getTotal() == 0;
    }

    public static Jedis redis() {
        return TestServers.redis().client();
    }

    public static List<Map<String, Object>> query(String jdbcUrl, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(jdbcUrl, TestServers.mariaDb().username(),
                TestServers.mariaDb().password());
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            List<Map<String, Object>> result = new ArrayList<>();
            int columns = rows.getMetaData().getColumnCount();
            while (rows.next()) {
                Map<String, Object> row = new HashMap<>();
                for (int i = 1; i <= columns; i++) {
                    row.put(rows.getMetaData().getColumnLabel(i), rows.getObject(i));
                }
                result.add(row);
            }
            return result;
        }
    }

    /** Every record of the topic, from the beginning, once at least {@code expected} have arrived. */
    public static List<ConsumerRecord<String, String>> kafka(String topic, int expected) {
        return kafka(TestServers.kafka().bootstrapServers(), topic, expected);
    }

    /** As above, on another broker than the shared one. */
    public static List<ConsumerRecord<String, String>> kafka(String bootstrapServers, String topic, int expected) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
                return records.size() >= expected;
            });
            consumer.poll(Duration.ofMillis(500)).forEach(records::add);
        }
        return records;
    }

    /** The parsed lines of every committed file under the directory (in-progress files are not committed). */
    public static List<Map<String, Object>> archivedPosts(String directory) throws Exception {
        List<Map<String, Object>> posts = new ArrayList<>();
        try (FileSystem fs = FileSystem.newInstance(URI.create(TestServers.hdfs().uri()), new Configuration())) {
            RemoteIterator<LocatedFileStatus> files = fs.listFiles(new Path(directory), true);
            while (files.hasNext()) {
                Path file = files.next().getPath();
                if (file.getName().startsWith("_") || file.getName().startsWith(".")) {
                    throw new AssertionError("a file is still in progress after the pipeline stopped: " + file);
                }
                try (BufferedReader lines = new BufferedReader(
                        new InputStreamReader(fs.open(file), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = lines.readLine()) != null) {
                        @SuppressWarnings("unchecked")
                        Map<String, Object> post = JSON.readValue(line, Map.class);
                        posts.add(post);
                    }
                }
            }
        }
        return posts;
    }
}
