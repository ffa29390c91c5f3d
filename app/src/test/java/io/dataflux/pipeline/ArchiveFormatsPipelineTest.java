package io.dataflux.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import io.dataflux.sample.ForumPostGenerator.GeneratedRecord;
import io.dataflux.testing.PipelineProbe;
import io.dataflux.testing.PipelineProcess;
import io.dataflux.testing.RealServers;
import io.dataflux.testing.ServerKind;
import io.dataflux.testing.TestServers;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.SeekableByteArrayInput;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.XPendingParams;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.resps.StreamPendingEntry;

/**
 * The archive in Avro and Parquet (dataflux.archive.format), through the real route files in a separate JVM killed with
 * SIGKILL while archiving and replaced by another instance: the committed files read back with the formats' own
 * readers hold every good version, a second copy only of posts unacknowledged at the kill (an unfinished file of the
 * killed writer is removed by recovery and its records written again), the newest version of each post equal to
 * MySQL's row, Unicode intact.
 */
@RealServers({ServerKind.REDIS, ServerKind.MARIADB, ServerKind.KAFKA, ServerKind.HDFS})
class ArchiveFormatsPipelineTest {

    private static final String FAMILY = "👨‍👩‍👧‍👦";
    private static final String[] UNICODE = {FAMILY + " family 🏳️‍🌈 flag", "שלום עולם, مرحبا بالعالم", "家族の写真 日本語 中文 한국어"};

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"parquet,SNAPPY", "avro,ZSTANDARD"})
    void aKilledWritersAggregatesAreWrittenAgainAndTheFilesHoldEveryVersion(String format, String codec) throws Exception {
        PipelineRun run = PipelineRun.create(1500);
        List<GeneratedRecord> unicode = unicodePosts(run.id());
        run.push();
        PipelineProbe.push(run.stream(), unicode);
        Set<String> unacknowledgedAtTheKill;
        StringBuilder logs = new StringBuilder();
        try (PipelineProcess killed = PipelineProcess.start(format + "-killed", properties(run, format, codec, "killed"))) {
            await().atMost(Duration.ofMinutes(2)).until(() -> run.postsInMySql() >= 200);
            killed.kill();
            logs.append(killed.log());
        }
        unacknowledgedAtTheKill = pendingPostIds(run);
        try (PipelineProcess survivor = PipelineProcess.start(format + "-survivor",
                properties(run, format, codec, "survivor"))) {
            await().atMost(Duration.ofMinutes(3)).until(run::allAcknowledged);
            // the killed writer's in-progress files, once its heartbeat expired: removed (unfinished) by recovery
            await().atMost(Duration.ofSeconds(60)).until(() -> files(run).stream()
                    .noneMatch(file -> file.getName().startsWith("_")));
            survivor.terminate(Duration.ofSeconds(60));
            logs.append(survivor.log());
        }

        List<GenericRecord> archived = new ArrayList<>();
        for (Path file : files(run)) {
            assertThat(file.getName()).as("no file left in progress").doesNotStartWith("_").endsWith("." + format);
            archived.addAll(read(format, file));
        }
        System.out.printf("archive %s: %d records in %d files; unfinished files removed: %s%n", format, archived.size(),
                files(run).size(), logs.toString().contains("left unfinished"));

        // every good version archived, a second copy only of what was unacknowledged at the kill
        Map<String, Integer> generated = new HashMap<>();
        for (GeneratedRecord record : allRecords(run, unicode)) {
            if (record.isGood()) {
                generated.merge(versionOf(PipelineProbe.JSON.readValue(record.payload(), Map.class)), 1, Integer::sum);
            }
        }
        Map<String, Integer> copies = new HashMap<>();
        for (GenericRecord record : archived) {
            copies.merge(record.get("id") + "@" + record.get("created_at"), 1, Integer::sum);
        }
        assertThat(copies.keySet()).isEqualTo(generated.keySet());
        generated.forEach((version, count) -> {
            if (copies.get(version) > count) {
                assertThat(unacknowledgedAtTheKill).as("a second copy of " + version).contains(version.split("@")[0]);
            }
        });

        // the newest archived version of each post is MySQL's row
        Map<String, List<GenericRecord>> newest = new HashMap<>();
        for (GenericRecord record : archived) {
            newest.merge(record.get("id").toString(), new ArrayList<>(List.of(record)), (kept, next) -> {
                int order = Long.compare(createdAt(next.get(0)), createdAt(kept.get(0)));
                if (order > 0) {
                    return next;
                }
                if (order == 0) {
                    kept.addAll(next);
                }
                return kept;
            });
        }
        List<Map<String, Object>> rows = PipelineProbe.query(run.jdbc(), "SELECT * FROM posts");
        assertThat(rows).hasSize(newest.size());
        for (Map<String, Object> row : rows) {
            // versions with the same created_at are ordered by their stream entry: MySQL holds one of them
            assertThat(newest.get((String) row.get("id"))).as("the newest versions of " + row.get("id"))
                    .anyMatch(record -> sameAsRow(record, row));
        }
        for (int i = 0; i < UNICODE.length; i++) {
            String id = run.id() + "-unicode-" + i;
            GenericRecord record = newest.get(id).get(0);
            assertThat(record.get("title").toString()).as("Unicode intact").isEqualTo(UNICODE[i]);
            assertThat(record.get("body").toString()).as("Unicode intact").isEqualTo(UNICODE[i] + " #家族");
        }
    }

    private static boolean sameAsRow(GenericRecord record, Map<String, Object> row) {
        try {
            return Objects.equals(text(record.get("title")), row.get("title"))
                    && Objects.equals(text(record.get("body")), row.get("body"))
                    && Objects.equals(text(record.get("thread_id")), row.get("thread_id"))
                    && Objects.equals(text(record.get("author_id")), row.get("author_id"))
                    && Objects.equals(text(record.get("url")), row.get("url"))
                    && Objects.equals(text(record.get("content_hash")), row.get("content_hash"))
                    && Objects.equals(record.get("word_count"), ((Number) row.get("word_count")).intValue())
                    && createdAt(record) / 1000 == millis(row.get("created_at"))
                    && strings(record.get("hashtags")).equals(PipelineProbe.JSON.readValue((String) row.get("hashtags"), List.class))
                    && strings(record.get("links")).equals(PipelineProbe.JSON.readValue((String) row.get("links"), List.class))
                    && Objects.equals(json(text(record.get("extra"))), json((String) row.get("extra")))
                    && authorMatches(record.get("author"), (String) row.get("author"));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static List<String> strings(Object array) {
        return ((List<?>) array).stream().map(Object::toString).toList();
    }

    private static boolean authorMatches(Object author, String rowAuthor) throws Exception {
        if (author == null || rowAuthor == null) {
            return author == null && rowAuthor == null;
        }
        Map<?, ?> profile = PipelineProbe.JSON.readValue(rowAuthor, Map.class);
        GenericRecord record = (GenericRecord) author;
        return Objects.equals(text(record.get("display_name")), profile.get("display_name"))
                && Objects.equals(text(record.get("author_id")), profile.get("author_id"));
    }

    private static Object json(String text) throws Exception {
        return text == null ? null : PipelineProbe.JSON.readTree(text);
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }

    private static long createdAt(GenericRecord record) {
        Object value = record.get("created_at");
        return value == null ? Long.MIN_VALUE : (Long) value;
    }

    private static long millis(Object datetime) {
        if (datetime == null) {
            return Long.MIN_VALUE / 1000;
        }
        LocalDateTime utc = datetime instanceof Timestamp timestamp ? timestamp.toLocalDateTime() : (LocalDateTime) datetime;
        return utc.toInstant(ZoneOffset.UTC).toEpochMilli();
    }

    /** A version as id@created_at (microseconds, UTC), as the archive holds it. */
    private static String versionOf(Map<?, ?> post) {
        Object createdAt = post.get("created_at");
        return post.get("id") + "@" + (createdAt == null ? "null"
                : ChronoUnit.MICROS.between(java.time.Instant.EPOCH, OffsetDateTime.parse((String) createdAt).toInstant()));
    }

    private static List<GeneratedRecord> allRecords(PipelineRun run, List<GeneratedRecord> unicode) {
        List<GeneratedRecord> all = new ArrayList<>(run.records());
        all.addAll(unicode);
        return all;
    }

    /** Posts whose text is an emoji ZWJ sequence, right-to-left scripts, CJK. */
    private static List<GeneratedRecord> unicodePosts(String run) throws Exception {
        List<GeneratedRecord> posts = new ArrayList<>();
        for (int i = 0; i < UNICODE.length; i++) {
            String id = run + "-unicode-" + i;
            Map<String, Object> post = Map.of("id", id, "thread_id", "unicode", "author_id", "unicode-author",
                    "title", UNICODE[i], "body", UNICODE[i] + " #家族", "created_at", "2026-11-30T10:00:0" + i + "Z");
            posts.add(new GeneratedRecord(PipelineProbe.JSON.writeValueAsBytes(post), id, null));
        }
        return posts;
    }

    private static Map<String, String> properties(PipelineRun run, String format, String codec, String instance) {
        Map<String, String> properties = run.properties(instance);
        properties.put("dataflux.archive.format", format);
        properties.put("dataflux.archive.compression", codec);
        properties.put("dataflux.archive.heartbeat-interval", "500");
        properties.put("dataflux.archive.heartbeat-expiry", "3000");
        properties.put("dataflux.archive.recovery-interval", "3000");
        return properties;
    }

    private static List<GenericRecord> read(String format, Path file) throws Exception {
        List<GenericRecord> records = new ArrayList<>();
        Configuration conf = new Configuration();
        try (FileSystem fs = FileSystem.newInstance(URI.create(TestServers.hdfs().uri()), conf)) {
            if (format.equals("parquet")) {
                // plain GenericData: timestamps as the written longs (microseconds)
                try (ParquetReader<GenericRecord> parquet = AvroParquetReader.<GenericRecord>builder(
                        HadoopInputFile.fromPath(fs.makeQualified(file), conf)).withDataModel(new GenericData()).build()) {
                    GenericRecord record;
                    while ((record = parquet.read()) != null) {
                        records.add(record);
                    }
                }
            } else {
                byte[] bytes;
                try (var in = fs.open(file)) {
                    bytes = in.readAllBytes();
                }
                try (DataFileReader<GenericRecord> avro = new DataFileReader<>(new SeekableByteArrayInput(bytes),
                        new GenericDatumReader<>())) {
                    avro.forEach(records::add);
                }
            }
        }
        return records;
    }

    private static List<Path> files(PipelineRun run) throws Exception {
        List<Path> files = new ArrayList<>();
        try (FileSystem fs = FileSystem.newInstance(URI.create(TestServers.hdfs().uri()), new Configuration())) {
            if (!fs.exists(new Path(run.archive()))) {
                return files;
            }
            RemoteIterator<LocatedFileStatus> listing = fs.listFiles(new Path(run.archive()), true);
            while (listing.hasNext()) {
                files.add(listing.next().getPath());
            }
        }
        return files;
    }

    /** The post ids of the entries delivered but not acknowledged (they may be archived twice). */
    private static Set<String> pendingPostIds(PipelineRun run) throws Exception {
        Set<String> ids = new HashSet<>();
        try (Jedis redis = PipelineProbe.redis()) {
            List<StreamPendingEntry> pending = redis.xpending(run.stream(), "dataflux",
                    XPendingParams.xPendingParams().count(1_000_000));
            for (StreamPendingEntry entry : pending) {
                for (StreamEntry read : redis.xrange(run.stream(), entry.getID(), entry.getID(), 1)) {
                    try {
                        Object id = PipelineProbe.JSON.readValue(read.getFields().get("value")
                                .getBytes(StandardCharsets.UTF_8), Map.class).get("id");
                        if (id != null) {
                            ids.add(id.toString());
                        }
                    } catch (Exception badRecord) {
                        // a bad record is dead-lettered, never archived
                    }
                }
            }
        }
        return ids;
    }
}
