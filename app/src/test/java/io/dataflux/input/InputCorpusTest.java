package io.dataflux.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.text.Normalizer;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import io.dataflux.component.redis.RedisSourceConstants;
import io.dataflux.deadletter.DeadLetterPayload;
import io.dataflux.testing.DataFluxCamelTest;
import io.dataflux.testing.PipelineProbe;
import io.dataflux.testing.RealServers;
import io.dataflux.testing.ServerKind;
import io.dataflux.testing.TestServers;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XAddParams;

/**
 * Issue 13's corpus: more than 30 kinds of payload a real system produces, through the real pipeline (the route
 * files, Camel Main, the four real servers), each with its exact outcome: stored field by field in MySQL, Kafka and
 * HDFS, or exactly one dead-letter row with its reason and its original bytes (or their first bytes, length and
 * SHA-256 with the whole payload on HDFS) and in no sink. The corpus is delivered in two rounds (versions of a post
 * in one batch and in two, in both orders), then the whole stream is delivered again: no dead letter repeats, and the
 * stored rows do not change.
 */
@RealServers({ServerKind.REDIS, ServerKind.MARIADB, ServerKind.KAFKA, ServerKind.HDFS})
class InputCorpusTest extends DataFluxCamelTest {

    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final String DATABASE = "corpus_" + RUN;
    private static final String STREAM = "corpus:" + RUN;
    private static final String TOPIC = "corpus-" + RUN;
    private static final String ARCHIVE = "/corpus/" + RUN + "/posts";
    private static final String DEAD_LETTER_DIR = "/corpus/" + RUN + "/dead-letter";
    private static final int MAX_ROW_BYTES = 4096;
    private static final String SOURCE_ENTRY = "1-" + Math.floorMod(RUN.hashCode(), 100_000);
    private static final int KAFKA_MAX_REQUEST = 204_800;

    private static final String FAMILY = "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67\u200D\uD83D\uDC66";
    private static final String RAINBOW = "\uD83C\uDFF3\uFE0F\u200D\uD83C\uDF08";
    private static final String PERSIAN = "\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645 \u06A9\u062A\u0627\u0628\u200C\u0647\u0627";
    private static final String HINDI = "\u0928\u092E\u0938\u094D\u0924\u0947 \u0915\u094D\u200D\u0937 \u0939\u093F\u0928\u094D\u0926\u0940";
    private static final String RTL = "\u200F\u05E9\u05DC\u05D5\u05DD \u0645\u0631\u062D\u0628\u0627\u200E (abc)";

    /** What one payload must become. */
    private record Case(String name, byte[] payload, String id, Map<String, Object> stored, String deadReason) {
    }

    private final List<Case> cases = new ArrayList<>();
    private final Map<Case, String> entryIds = new HashMap<>();

    @BeforeAll
    static void ownDatabase() throws Exception {
        TestServers.mariaDb().createDatabase(DATABASE);
    }

    @Override
    protected Properties testProperties() {
        Properties properties = new Properties();
        properties.put("dataflux.mysql.url", TestServers.mariaDb().jdbcUrl(DATABASE));
        properties.put("dataflux.redis.key", STREAM);
        properties.put("dataflux.kafka.topic", TOPIC);
        properties.put("dataflux.archive.dir", ARCHIVE);
        properties.put("dataflux.dead-letter.dir", DEAD_LETTER_DIR);
        properties.put("dataflux.dead-letter.max-row-bytes", Integer.toString(MAX_ROW_BYTES));
        properties.put("dataflux.kafka.max-request-size", Integer.toString(KAFKA_MAX_REQUEST));
        // limits raised for long posts, as for a real export: a 100 KB body is stored, a 600 KB record is not
        properties.put("dataflux.record.max-bytes", "524288");
        properties.put("dataflux.input.max-body-length", "262144");
        properties.put("dataflux.authors.redis-key-prefix", "author:" + RUN + ":");
        properties.put("dataflux.instance-id", "corpus-" + RUN);
        properties.put("dataflux.ingest.auto-startup", "true");
        return properties;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String json(Object value) throws Exception {
        return PipelineProbe.JSON.writeValueAsString(value);
    }

    private static Map<String, Object> post(String id, String title, String body) {
        Map<String, Object> post = new LinkedHashMap<>();
        post.put("id", id);
        post.put("author_id", "u-1");
        post.put("title", title);
        post.put("body", body);
        post.put("created_at", "2026-11-24T10:15:30Z");
        return post;
    }

    /** A post stored as sent, but for its title and body cleaned: NFC, whitespace collapsed (never the ids). */
    private Case stored(String name, Map<String, Object> post) throws Exception {
        Map<String, Object> expected = new LinkedHashMap<>(post);
        for (String field : List.of("title", "body")) {
            expected.put(field, Normalizer.normalize((String) post.get(field), Normalizer.Form.NFC)
                    .replaceAll("\\s+", " ").strip());
        }
        return stored(name, utf8(json(post)), expected);
    }

    private Case stored(String name, byte[] payload, Map<String, Object> expected) {
        Case c = new Case(name, payload, (String) expected.get("id"), expected, null);
        cases.add(c);
        return c;
    }

    private Case dead(String name, byte[] payload, String id, String reason) {
        Case c = new Case(name, payload, id, null, reason);
        cases.add(c);
        return c;
    }

    private static Object nested(int levels) {
        Object value = "leaf";
        for (int i = 0; i < levels; i++) {
            value = List.of(value);
        }
        return value;
    }

    @Test
    void everyKindOfPayloadHasItsExactOutcome() throws Exception {
        String p = RUN + "-";
        // ids and authors as real systems write them
        for (String id : List.of("tmux:3.2~rc1-1", "libx11:2:1.8.4-2+deb12u2", "a/b#c=d@e~f+g", "with space", "x", "x ",
                "A", "a", "\u00e9", "e", "e\u0301", "\u00c4rger-Stra\u00dfe-\u0394-\u6771\u4eac-\uD83D\uDE00")) {
            stored("id " + id, post(p + id, "title of " + id, "body of " + id));
        }
        stored("id of 255 bytes", post(p + "\u00e9".repeat(120) + "y".repeat(255 - p.length() - 240), "t", "b"));
        Map<String, Object> email = post(p + "by-email", "t", "b");
        email.put("author_id", "jane.doe+forum@example.org");
        stored("e-mail author id", email);
        Map<String, Object> numeric = post(null, "numeric id", "b");
        numeric.remove("id");
        numeric.put("id", 9_007_199_254_740_993L);
        Map<String, Object> numericExpected = new LinkedHashMap<>(numeric);
        numericExpected.put("id", "9007199254740993");
        stored("numeric id", utf8(json(numeric)), numericExpected);
        Map<String, Object> bom = post(p + "bom", "with a BOM", "b");
        ByteArrayOutputStream withBom = new ByteArrayOutputStream();
        withBom.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        withBom.write(utf8(json(bom)));
        stored("leading UTF-8 BOM", withBom.toByteArray(), bom);
        // text a person wrote survives cleaning
        stored("family emoji ZWJ sequence", post(p + "family", FAMILY, "we are " + FAMILY));
        stored("rainbow flag", post(p + "flag", RAINBOW, "pride " + RAINBOW));
        stored("Persian with ZWNJ", post(p + "fa", PERSIAN, PERSIAN));
        stored("Hindi", post(p + "hi", HINDI, HINDI));
        stored("RTL with bidi marks", post(p + "rtl", RTL, RTL));
        stored("100 KB body", post(p + "big", "big", "word ".repeat(20_480).strip()));
        Map<String, Object> html = post(p + "html", "Caf&eacute; &amp; <b>bar</b>",
                "<p>see <a href=\"https://x.example/a\">this</a> &lt;3</p>");
        Map<String, Object> htmlExpected = new LinkedHashMap<>(html);
        htmlExpected.put("title", "Caf\u00e9 & bar");
        htmlExpected.put("body", "see this <3");
        stored("HTML and entities", utf8(json(html)), htmlExpected);
        Map<String, Object> deepEnough = post(p + "deep-31", "t", "b");
        deepEnough.put("tree", nested(30));
        stored("extra nested to the limit, 31 levels with the post", deepEnough);
        Map<String, Object> latest = post(p + "year-9999", "t", "b");
        latest.put("created_at", "9999-12-31T23:59:59.999Z");
        stored("created_at at MySQL's last millisecond", latest);
        Map<String, Object> earliest = post(p + "year-1000", "t", "b");
        earliest.put("created_at", "1000-01-01T01:00:00+01:00");
        stored("created_at at MySQL's first second, with an offset", earliest);

        // refused: exactly one dead letter each, in no sink
        Map<String, Object> tooDeep = post(p + "deep-200", "t", "b");
        tooDeep.put("extra", nested(200));
        dead("extra nested 200 deep", utf8(json(tooDeep)), p + "deep-200", "INVALID_VALUE");
        Map<String, Object> year10000 = post(p + "year-10000", "t", "b");
        year10000.put("created_at", "+10000-01-01T00:00:00Z");
        dead("created_at in year 10000", utf8(json(year10000)), p + "year-10000", "INVALID_VALUE");
        Map<String, Object> year999 = post(p + "year-999", "t", "b");
        year999.put("created_at", "0999-12-31T23:59:59Z");
        dead("created_at in year 999", utf8(json(year999)), p + "year-999", "INVALID_VALUE");
        dead("id with a control character", utf8(json(post(p + "bell\u0007", "t", "b"))), null, "INVALID_VALUE");
        dead("id of 256 bytes", utf8(json(post(p + "x".repeat(256 - p.length()), "t", "b"))), null, "INVALID_VALUE");
        dead("empty id", utf8(json(post("", "t", "b"))), null, "INVALID_VALUE");
        dead("malformed JSON", utf8("{\"id\":\"" + p + "cut\",\"body\":\"cut off"), null, "MALFORMED_JSON");
        dead("malformed JSON of 10 KB (row keeps a prefix, HDFS the whole)",
                utf8("{\"id\":\"" + p + "cut-big\",\"body\":\"" + "z".repeat(10_000)), null, "MALFORMED_JSON");
        dead("a JSON array", utf8("[{\"id\":\"" + p + "array\"}]"), null, "NOT_AN_OBJECT");
        Map<String, Object> noId = post(p + "none", "t", "b");
        noId.remove("id");
        dead("no id", utf8(json(noId)), null, "MISSING_FIELD");
        dead("id of the wrong type", utf8("{\"id\":1.5,\"author_id\":\"u-1\",\"body\":\"b\"}"), null, "WRONG_TYPE");
        dead("record over dataflux.record.max-bytes", utf8(json(post(p + "huge", "t", "h".repeat(600_000)))), null,
                "TOO_LARGE");
        dead("post larger than one Kafka request", utf8(json(post(p + "kafka-big", "t", "k".repeat(210_000)))),
                p + "kafka-big", "TOO_LARGE");

        // versions: the newest by created_at wins whole (the older one's extra field does not survive), ties by entry
        Map<String, Object> old = post(null, "old", "old text");
        old.put("lang", "fr");
        Map<String, Object> newer = post(null, "new", "new text");
        newer.put("created_at", "2026-11-24T12:15:30+01:00");
        List<Case> secondRound = new ArrayList<>();
        String[][] versionCases = {{"one batch, new first", "new", "old"}, {"one batch, old first", "old", "new"},
                {"two batches, new then old", "new", "|", "old"}, {"two batches, old then new", "old", "|", "new"}};
        for (int v = 0; v < versionCases.length; v++) {
            String id = p + "versions-" + v;
            boolean second = false;
            for (int i = 1; i < versionCases[v].length; i++) {
                if (versionCases[v][i].equals("|")) {
                    second = true;
                    continue;
                }
                Map<String, Object> version = new LinkedHashMap<>(versionCases[v][i].equals("new") ? newer : old);
                version.put("id", id);
                Case c = versionCases[v][i].equals("new")
                        ? stored("versions " + versionCases[v][0], version)
                        : dead("(older version of " + versionCases[v][0] + ")", utf8(json(version)), id, null);
                if (second) {
                    secondRound.add(c);
                }
            }
        }
        Map<String, Object> dated = post(p + "undated", "dated", "dated text");
        Map<String, Object> undated = post(p + "undated", "undated", "undated text");
        undated.remove("created_at");
        stored("a version with created_at beats a later one without", dated);
        secondRound.add(dead("(undated version)", utf8(json(undated)), p + "undated", null));
        Map<String, Object> tieFirst = post(p + "tie", "first entry", "x");
        Map<String, Object> tieLater = post(p + "tie", "later entry", "y");
        dead("(tie, earlier entry)", utf8(json(tieFirst)), p + "tie", null);
        stored("same created_at: the later entry wins", tieLater);

        List<Case> firstRound = cases.stream().filter(c -> !secondRound.contains(c)).toList();
        push(firstRound);
        awaitAllAcknowledged();
        push(secondRound);
        awaitAllAcknowledged();
        // every entry delivered again, as after a crash before the acknowledgement: nothing may repeat or change
        try (Jedis redis = PipelineProbe.redis()) {
            redis.xgroupSetID(STREAM, "dataflux", StreamEntryID.MINIMUM_ID);
        }
        awaitAllAcknowledged();
        // the source's dead letter keeps the exact bytes (body = the entry's payload, as byte[])
        byte[] invalidUtf8 = {'{', '"', 'i', 'd', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        for (int delivery = 0; delivery < 2; delivery++) {
            template.sendBodyAndHeaders("direct:dead-letter", invalidUtf8, Map.of(
                    RedisSourceConstants.ID, SOURCE_ENTRY,
                    RedisSourceConstants.DEAD_LETTER_REASON, "the payload field is not valid UTF-8"));
        }
        context.stop(); // graceful: the archive commits its open files

        assertOutcomes(invalidUtf8);
        assertThat(cases.stream().filter(c -> c.stored() != null).count()).isGreaterThanOrEqualTo(30);
    }

    private void push(List<Case> round) {
        try (Jedis redis = PipelineProbe.redis()) {
            byte[] key = utf8(STREAM);
            for (Case c : round) {
                entryIds.put(c, new String(redis.xadd(key, XAddParams.xAddParams(), Map.of(utf8("value"), c.payload())),
                        StandardCharsets.UTF_8));
            }
        }
    }

    private void awaitAllAcknowledged() {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> PipelineProbe.allAcknowledged(STREAM, "dataflux"));
    }

    private void assertOutcomes(byte[] invalidUtf8) throws Exception {
        String jdbc = TestServers.mariaDb().jdbcUrl(DATABASE);
        Map<String, List<Map<String, Object>>> published = new HashMap<>();
        // every accepted version, once per delivery (each entry was delivered twice)
        long accepted = cases.stream().filter(c -> c.deadReason() == null).count();
        for (ConsumerRecord<String, String> record : PipelineProbe.kafka(TOPIC, (int) (2 * accepted))) {
            @SuppressWarnings("unchecked")
            Map<String, Object> value = PipelineProbe.JSON.readValue(record.value(), Map.class);
            published.computeIfAbsent(record.key(), key -> new ArrayList<>()).add(value);
        }
        Map<String, List<Map<String, Object>>> archived = new HashMap<>();
        for (Map<String, Object> post : PipelineProbe.archivedPosts(ARCHIVE)) {
            archived.computeIfAbsent((String) post.get("id"), key -> new ArrayList<>()).add(post);
        }
        try (Connection mysql = DriverManager.getConnection(jdbc, TestServers.mariaDb().username(),
                TestServers.mariaDb().password());
             FileSystem hdfs = FileSystem.newInstance(URI.create(TestServers.hdfs().uri()), new Configuration())) {
            for (Case c : cases) {
                if (c.stored() != null) {
                    assertStored(mysql, c, published, archived);
                } else if (c.deadReason() != null) {
                    assertDeadLetteredOnce(mysql, hdfs, c, entryIds.get(c), c.payload(), published, archived);
                }
            }
            // an entry over the record limit is refused by the source itself (route_id source-dead-letter), the others
            // by the pipeline; the invalid UTF-8 entry sent straight to the source's dead letter is checked below
            assertThat(count(mysql, "SELECT COUNT(*) FROM dead_letter WHERE source_id <> '" + SOURCE_ENTRY + "'"))
                    .as("one row per bad record, after every record was delivered twice")
                    .isEqualTo(cases.stream().filter(c -> c.deadReason() != null).count());
            Case source = new Case("invalid UTF-8 at the source", invalidUtf8, null, null, "INVALID_UTF8");
            assertDeadLetteredOnce(mysql, hdfs, source, SOURCE_ENTRY, invalidUtf8, published, archived);
            assertThat(count(mysql, "SELECT COUNT(*) FROM posts")).isEqualTo(
                    cases.stream().filter(c -> c.stored() != null).count());
        }
    }

    private void assertStored(Connection mysql, Case c, Map<String, List<Map<String, Object>>> published,
                              Map<String, List<Map<String, Object>>> archived) throws Exception {
        Map<String, Object> expected = c.stored();
        String id = (String) expected.get("id");
        try (PreparedStatement select = mysql.prepareStatement(
                "SELECT id, author_id, title, body, created_at, extra FROM posts WHERE id = ?")) {
            select.setString(1, id);
            try (ResultSet row = select.executeQuery()) {
                assertThat(row.next()).as(c.name() + ": in MySQL").isTrue();
                assertThat(row.getString("id")).as(c.name()).isEqualTo(id);
                assertThat(row.getString("author_id")).as(c.name()).isEqualTo(expected.get("author_id"));
                assertThat(row.getString("title")).as(c.name()).isEqualTo(expected.get("title"));
                assertThat(row.getString("body")).as(c.name()).isEqualTo(expected.get("body"));
                assertThat(row.getObject("created_at", LocalDateTime.class)).as(c.name()).isEqualTo(
                        java.time.OffsetDateTime.parse((String) expected.get("created_at"))
                                .withOffsetSameInstant(java.time.ZoneOffset.UTC).toLocalDateTime());
                Map<String, Object> extra = new LinkedHashMap<>(expected);
                List.of("id", "author_id", "title", "body", "created_at").forEach(extra::remove);
                String storedExtra = row.getString("extra");
                assertThat(storedExtra == null ? Map.of() : PipelineProbe.JSON.readValue(storedExtra, Map.class))
                        .as(c.name() + ": extra, whole from the newest version").isEqualTo(extra);
                assertThat(row.next()).as(c.name() + ": one row").isFalse();
            }
        }
        assertThat(published.getOrDefault(id, List.of())).as(c.name() + ": on Kafka")
                .anySatisfy(value -> assertSameFields(c, value));
        assertThat(archived.getOrDefault(id, List.of())).as(c.name() + ": archived on HDFS")
                .anySatisfy(value -> assertSameFields(c, value));
    }

    private static void assertSameFields(Case c, Map<String, Object> value) {
        for (String field : List.of("id", "author_id", "title", "body", "created_at")) {
            assertThat(value.get(field)).as(c.name() + ": " + field).isEqualTo(c.stored().get(field));
        }
    }

    private void assertDeadLetteredOnce(Connection mysql, FileSystem hdfs, Case c, String entryId, byte[] original,
                                        Map<String, List<Map<String, Object>>> published,
                                        Map<String, List<Map<String, Object>>> archived) throws Exception {
        try (PreparedStatement select = mysql.prepareStatement("SELECT reason, payload, payload_length, payload_sha256,"
                + " payload_location FROM dead_letter WHERE source_id = ?")) {
            select.setString(1, entryId);
            try (ResultSet row = select.executeQuery()) {
                assertThat(row.next()).as(c.name() + ": dead-lettered").isTrue();
                assertThat(row.getString("reason")).as(c.name()).isEqualTo(c.deadReason());
                assertThat(row.getLong("payload_length")).as(c.name()).isEqualTo(original.length);
                assertThat(row.getString("payload_sha256")).as(c.name()).isEqualTo(DeadLetterPayload.sha256(original));
                byte[] kept = row.getBytes("payload");
                String location = row.getString("payload_location");
                if (original.length <= MAX_ROW_BYTES) {
                    assertThat(kept).as(c.name() + ": the original bytes").isEqualTo(original);
                    assertThat(location).isNull();
                } else {
                    assertThat(kept).as(c.name() + ": the first bytes").isEqualTo(
                            java.util.Arrays.copyOf(original, MAX_ROW_BYTES));
                    assertThat(location).startsWith(DEAD_LETTER_DIR + "/");
                    try (FSDataInputStream in = hdfs.open(new Path(location))) {
                        assertThat(in.readAllBytes()).as(c.name() + ": the whole payload on HDFS").isEqualTo(original);
                    }
                }
                assertThat(row.next()).as(c.name() + ": exactly one row").isFalse();
            }
        }
        if (c.id() != null) {
            assertThat(published.get(c.id())).as(c.name() + ": not on Kafka").isNull();
            assertThat(archived.get(c.id())).as(c.name() + ": not archived").isNull();
            assertThat(count(mysql, "SELECT COUNT(*) FROM posts WHERE id = '" + c.id() + "'")).isZero();
        }
    }

    private static long count(Connection mysql, String sql) throws Exception {
        try (ResultSet result = mysql.createStatement().executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        }
    }
}
