package io.dataflux.bench;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflux.demo.ForumPostGenerator.GeneratedRecord;
import io.dataflux.enrich.AuthorProfile;
import io.dataflux.enrich.PostCleaner;
import io.dataflux.enrich.PostDeriver;
import io.dataflux.enrich.PostFields;
import io.dataflux.enrich.PostParser;
import io.dataflux.enrich.PostValidator;
import io.dataflux.sink.PostRows;
import io.dataflux.testing.PipelineProbe;
import io.dataflux.testing.TestServers;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntryBinary;

/**
 * The seed design taken literally: one record at a time, read it from Redis, enrich it, insert it into MySQL
 * (autocommit), send it to Kafka and wait for the acknowledgement, write it to HDFS and flush, acknowledge it in Redis.
 * No batching, no parallelism.
 */
final class NaiveLoop {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] VALUE = "value".getBytes(StandardCharsets.UTF_8);

    /** How the loop writes to HDFS. */
    enum HdfsMode {
        /** One stream kept open, hflush per record: the most favourable honest form. */
        HFLUSH_OPEN_STREAM,
        /** Append, write and close per record: the seed design read literally. */
        APPEND_CLOSE_PER_RECORD
    }

    private NaiveLoop() {
    }

    static Measurement run(List<GeneratedRecord> records, String runId, HdfsMode mode) throws Exception {
        String name = mode == HdfsMode.HFLUSH_OPEN_STREAM ? "naive" : "naive-literal";
        String stream = "bench:" + runId + ":" + name;
        String topic = "bench-" + runId + "-" + name;
        Path file = new Path("/bench/" + runId + "/" + name + "/posts.jsonl");
        PipelineProbe.push(stream, records);
        String jdbc = Ceilings.migratedDatabase("bench_" + runId + "_" + name.replace('-', '_'));
        Ceilings.UpsertStatement upsert = Ceilings.UpsertStatement.load();
        PostParser parser = new PostParser();
        PostCleaner cleaner = new PostCleaner();
        PostDeriver deriver = new PostDeriver();
        PostValidator validator = new PostValidator();
        Map<String, Map<String, Object>> profiles = new HashMap<>();
        byte[] streamKey = stream.getBytes(StandardCharsets.UTF_8);
        byte[] group = "naive".getBytes(StandardCharsets.UTF_8);
        try (Jedis redis = PipelineProbe.redis();
             Connection mysql = DriverManager.getConnection(jdbc, TestServers.mariaDb().username(),
                     TestServers.mariaDb().password());
             PreparedStatement insert = mysql.prepareStatement(upsert.sql());
             KafkaProducer<String, String> kafka = new KafkaProducer<>(Ceilings.producerConfig(0),
                     new StringSerializer(), new StringSerializer());
             FileSystem hdfs = FileSystem.newInstance(URI.create(TestServers.hdfs().uri()), hdfsClient())) {
            redis.xgroupCreate(stream, "naive", new StreamEntryID(0, 0), false);
            kafka.partitionsFor(topic);
            FSDataOutputStream open = mode == HdfsMode.HFLUSH_OPEN_STREAM ? hdfs.create(file) : null;
            if (open == null) {
                hdfs.create(file).close();
            }
            long bytes = 0;
            long began = System.nanoTime();
            for (int i = 0; i < records.size(); i++) {
                List<Map.Entry<byte[], List<StreamEntryBinary>>> read = redis.xreadGroupBinary(group, group,
                        XReadGroupParams.xReadGroupParams().count(1),
                        Map.of(streamKey, StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
                StreamEntryBinary entry = read.get(0).getValue().get(0);
                byte[] payload = field(entry, VALUE);
                bytes += payload.length;

                Map<String, Object> post = parser.parse(payload);
                cleaner.clean(post);
                deriver.derive(post);
                validator.validate(post);
                String authorId = (String) post.get(PostFields.AUTHOR_ID);
                post.put(PostFields.AUTHOR, profiles.computeIfAbsent(authorId, id -> profile(redis, id)));

                upsert.bind(insert, PostRows.toRow(post, entry.getID().toString()));
                insert.executeUpdate();

                String json = JSON.writeValueAsString(post);
                kafka.send(new ProducerRecord<>(topic, (String) post.get(PostFields.ID), json)).get();

                byte[] line = (json + "\n").getBytes(StandardCharsets.UTF_8);
                if (open != null) {
                    open.write(line);
                    open.hflush();
                } else {
                    try (FSDataOutputStream append = hdfs.append(file)) {
                        append.write(line);
                    }
                }
                redis.xack(streamKey, group, entry.getID().toString().getBytes(StandardCharsets.UTF_8));
            }
            double seconds = (System.nanoTime() - began) / 1e9;
            if (open != null) {
                open.close();
            }
            String how = mode == HdfsMode.HFLUSH_OPEN_STREAM
                    ? "1 record at a time: XREADGROUP COUNT 1, enrich, INSERT autocommit, Kafka send().get() linger.ms=0, "
                            + "HDFS write+hflush on one open stream, XACK"
                    : "as the favourable loop, but HDFS append+close per record";
            return new Measurement("naive", name.equals("naive") ? "naive loop (favourable)" : "naive loop (literal)",
                    records.size(), bytes, seconds, how);
        } finally {
            try (Jedis redis = PipelineProbe.redis()) {
                redis.del(stream);
            }
        }
    }

    /** One DataNode: an append must not look for another to replace it in the write pipeline. */
    private static Configuration hdfsClient() {
        Configuration configuration = new Configuration();
        configuration.set("dfs.client.block.write.replace-datanode-on-failure.enable", "false");
        return configuration;
    }

    /** A field of a binary entry (its map has byte[] keys, which compare by identity). */
    private static byte[] field(StreamEntryBinary entry, byte[] name) {
        for (Map.Entry<byte[], byte[]> field : entry.getFields().entrySet()) {
            if (java.util.Arrays.equals(field.getKey(), name)) {
                return field.getValue();
            }
        }
        throw new IllegalStateException("entry " + entry.getID() + " has no field " + new String(name, StandardCharsets.UTF_8));
    }

    /** The author's profile from the Redis hash (kept in a map: the naive loop gets a cache too). */
    private static Map<String, Object> profile(Jedis redis, String authorId) {
        Map<String, String> hash = redis.hgetAll(BenchData.AUTHOR_PREFIX + authorId);
        return hash.isEmpty() ? null : AuthorProfile.normalise(hash);
    }
}
