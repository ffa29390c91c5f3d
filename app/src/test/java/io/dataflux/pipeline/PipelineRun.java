package io.dataflux.pipeline;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import io.dataflux.sample.ForumPostGenerator;
import io.dataflux.sample.ForumPostGenerator.GeneratedRecord;
import io.dataflux.testing.PipelineProbe;
import io.dataflux.testing.MariaDbTestServer;
import io.dataflux.testing.ServerKind;
import io.dataflux.testing.SinkVerifier;
import io.dataflux.testing.TestServers;

/**
 * One run of the pipeline in a test: generated records, and a stream, topic, database and archive directory of its
 * own, so that tests sharing the servers never see each other's data.
 */
final class PipelineRun {

    private final String id;
    private final List<GeneratedRecord> records;
    private final Set<String> goodIds;
    private String jdbc;

    private PipelineRun(String id, List<GeneratedRecord> records, String jdbc) {
        this.id = id;
        this.records = records;
        this.goodIds = records.stream().filter(GeneratedRecord::isGood).map(GeneratedRecord::postId)
                .collect(Collectors.toSet());
        this.jdbc = jdbc;
    }

    /** A run of {@code count} generated records (2% bad), writing to a new database of the shared MariaDB. */
    static PipelineRun create(int count) throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        ForumPostGenerator generator = new ForumPostGenerator(id.hashCode(), id + "-", 0.02, 65536, 700);
        List<GeneratedRecord> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            records.add(generator.next());
        }
        TestServers.mariaDb().createDatabase(database(id));
        return new PipelineRun(id, records, TestServers.mariaDb().jdbcUrl(database(id)));
    }

    /** Writes to a database of the given MariaDB instead (one the test stops and starts). */
    PipelineRun onMySql(MariaDbTestServer mysql) throws Exception {
        mysql.createDatabase(database(id));
        jdbc = mysql.jdbcUrl(database(id));
        return this;
    }

    private static String database(String id) {
        return "run_" + id;
    }

    String id() {
        return id;
    }

    /** The run's own database (on the shared MariaDB unless {@link #onMySql} moved it). */
    String database() {
        return database(id);
    }

    List<GeneratedRecord> records() {
        return records;
    }

    Set<String> goodIds() {
        return goodIds;
    }

    long badRecords() {
        return records.stream().filter(record -> !record.isGood()).count();
    }

    String stream() {
        return "posts:" + id;
    }

    String topic() {
        return "posts-" + id;
    }

    String archive() {
        return "/runs/" + id;
    }

    String jdbc() {
        return jdbc;
    }

    /** The properties a pipeline of this run starts with, as the replica {@code instance}. */
    Map<String, String> properties(String instance) {
        Map<String, String> properties = new HashMap<>();
        TestServers.camelProperties(ServerKind.values()).forEach((key, value) -> properties.put((String) key, (String) value));
        properties.put("dataflux.mysql.url", jdbc);
        properties.put("dataflux.redis.key", stream());
        properties.put("dataflux.kafka.topic", topic());
        properties.put("dataflux.archive.dir", archive());
        properties.put("dataflux.archive.roll-size", Integer.toString(1024 * 1024));
        properties.put("dataflux.instance-id", instance + "-" + id);
        properties.put("dataflux.redis.min-idle-time", "5000");
        properties.put("dataflux.heartbeat.period", "60000");
        return properties;
    }

    void push() {
        PipelineProbe.push(stream(), records);
    }

    boolean allAcknowledged() {
        return PipelineProbe.allAcknowledged(stream(), "dataflux");
    }

    long postsInMySql() throws Exception {
        return ((Number) PipelineProbe.query(jdbc, "SELECT COUNT(*) AS n FROM posts").get(0).get("n")).longValue();
    }

    Set<String> idsInMySql() throws Exception {
        return PipelineProbe.query(jdbc, "SELECT id FROM posts").stream().map(row -> (String) row.get("id"))
                .collect(Collectors.toSet());
    }

    /** The run's sinks (its database's posts table, its topic, its archive directory), for the one every-sink check. */
    SinkVerifier sinks() {
        return SinkVerifier.standard(jdbc, topic(), archive());
    }

    long deadLetteredEntries() throws Exception {
        return ((Number) PipelineProbe.query(jdbc, "SELECT COUNT(DISTINCT source_id) AS n FROM dead_letter")
                .get(0).get("n")).longValue();
    }
}
