package io.dataflux.bench;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.dataflux.sample.ForumPostGenerator.GeneratedRecord;
import io.dataflux.testing.PipelineProbe;
import io.dataflux.testing.TestServers;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntryBinary;

/**
 * The seed design taken literally: one record at a time, read it from Redis, enrich it, insert it into MySQL
 * (autocommit), send it to Kafka and wait for the acknowledgement, write it to HDFS and flush, acknowledge it in Redis.
 * No batching, no parallelism. It enriches with {@link MinimalEnrichment}, not DataFlux's enrichers: the loop it stands
 * for would not be slower at that than a minimal implementation, and its cost must not move with DataFlux's.
 */
final class NaiveLoop {

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

    static Measurement run(List<GeneratedRecord> records, String runId, HdfsMode mode, BenchServers servers)
            throws Exception {
        String name = mode == HdfsMode.HFLUSH_OPEN_STREAM ? "naive" : "naive-literal";
        String stream = "bench:" + runId + ":" + name;
        String topic = "bench-" + runId + "-" + name;
        Path file = new Path("/bench/" + runId + "/" + name + "/posts.jsonl");
        PipelineProbe.push(stream, records);
        String jdbc = Ceilings.migratedDatabase("bench_" + runId + "_" + name.replace('-', '_'));
        Ceilings.Upsert upsert = Ceilings.upsertSql();
        byte[] streamKey = stream.getBytes(StandardCharsets.UTF_8);
        byte[] group = "naive".getBytes(StandardCharsets.UTF_8);
        try (Jedis redis = PipelineProbe.redis();
             MinimalEnrichment enrichment = new MinimalEnrichment(jdbc, MinimalEnrichment.newAuthorCache());
             Connection mysql = DriverManager.getConnection(jdbc, TestServers.mariaDb().username(),
                     TestServers.mariaDb().password());
             PreparedStatement insert = mysql.prepareStatement(upsert.sql());
             KafkaProducer<String, byte[]> kafka = new KafkaProducer<>(Ceilings.producerConfig(servers.kafkaClient(), 0),
                     new StringSerializer(), new ByteArraySerializer());
             FileSystem hdfs = FileSystem.newInstance(URI.create(servers.hdfsUri()), Ceilings.hdfsClient())) {
            redis.xgroupCreate(stream, "naive", new StreamEntryID(0, 0), false);
            kafka.partitionsFor(topic);
            FSDataOutputStream open = mode == HdfsMode.HFLUSH_OPEN_STREAM ? hdfs.create(file) : null;
            if (open == null) {
                hdfs.create(file).close();
            }
            long bytes = 0;
            Bench.Interval clock = Bench.Interval.start(servers.pids());
            for (int i = 0; i < records.size(); i++) {
                List<Map.Entry<byte[], List<StreamEntryBinary>>> read = redis.xreadGroupBinary(group, group,
                        XReadGroupParams.xReadGroupParams().count(1),
                        Map.of(streamKey, StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
                StreamEntryBinary entry = read.get(0).getValue().get(0);
                byte[] payload = field(entry, VALUE);
                bytes += payload.length;

                // the author looked up for this one record: HGETALL, and a SELECT when Redis lacks it
                MinimalEnrichment.Post post = enrichment.enrich(List.of(payload), List.of(entry.getID().toString())).get(0);

                upsert.bind(insert, post.row());
                insert.executeUpdate();

                kafka.send(new ProducerRecord<>(topic, post.id(), post.json())).get();

                byte[] line = Arrays.copyOf(post.json(), post.json().length + 1);
                line[line.length - 1] = '\n';
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
            String how = mode == HdfsMode.HFLUSH_OPEN_STREAM
                    ? "1 record at a time: XREADGROUP COUNT 1, the minimal enrichment (author: HGETALL, SELECT), "
                            + "INSERT autocommit, Kafka send().get() linger.ms=0, HDFS write+hflush on one open stream, XACK"
                    : "as the favourable loop, but HDFS append+close per record";
            Measurement m = clock.end("naive", name.equals("naive") ? "naive loop (favourable)" : "naive loop (literal)",
                    records.size(), bytes, how);
            if (open != null) {
                open.close();
            }
            return m;
        } finally {
            try (Jedis redis = PipelineProbe.redis()) {
                redis.del(stream);
            }
        }
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
}
