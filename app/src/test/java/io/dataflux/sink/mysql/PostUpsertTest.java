package io.dataflux.sink.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDateTime;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.dataflux.ingest.SourceRecord;
import io.dataflux.testing.DataFluxCamelTest;
import io.dataflux.testing.RealServers;
import io.dataflux.testing.ServerKind;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/**
 * The MySQL sink route on the real MariaDB: Flyway creates the schema, one camel-sql batch upserts a batch of posts on
 * the business key, repeated keys inside the batch are merged first, fields without a column are kept in extra, and
 * created_at is stored in UTC with its milliseconds.
 */
@RealServers({ServerKind.REDIS, ServerKind.MARIADB})
class PostUpsertTest extends DataFluxCamelTest {

    private final String run = UUID.randomUUID().toString().substring(0, 8);


    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:upsert").routeId("test-upsert-posts")
                        .to("direct:enrich")
                        .to("direct:sink-mysql");
                from("direct:select").routeId("test-select-posts")
                        .to("sql:SELECT id, title, body, hashtags, extra, created_at, word_count, author FROM posts"
                            + " WHERE id LIKE :#prefix ORDER BY id?dataSource=#dataSource");
            }
        };
    }

    private static final long STREAM_START = System.currentTimeMillis();
    private int sequence;

    /** A record as the crawler writes it, by an author no store knows, with a field that has no column of its own. */
    private SourceRecord post(String id, String title, String body) {
        String json = "{\"id\":\"" + run + "-" + id + "\",\"author_id\":\"" + run + "-nobody\",\"title\":\"" + title
                + "\",\"body\":\"" + body + "\",\"created_at\":\"2026-11-24T12:00:00.250+02:00\",\"lang\":\"fr\"}";
        // stream entry ids: of two versions with the same created_at, the later entry wins (PostVersion)
        return new SourceRecord(STREAM_START + "-" + sequence++, json.getBytes(StandardCharsets.UTF_8));
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> rows() {
        return template.requestBodyAndHeader("direct:select", null, "prefix", run + "-%", List.class);
    }

    @Test
    void upsertsABatchMergingRepeatedKeysAndKeepingExtraFields() {
        template.sendBody("direct:upsert", List.of(
                post("a", "First", "<p>hello #camel</p>"),
                post("b", "Second", "<p>bonjour</p>"),
                post("a", "First, edited", "<p>hello again #camel #kafka</p>")));

        List<Map<String, Object>> rows = rows();
        assertThat(rows).hasSize(2);
        Map<String, Object> a = rows.get(0);
        assertThat(a.get("title")).isEqualTo("First, edited");
        assertThat(a.get("body")).isEqualTo("hello again #camel #kafka");
        assertThat(a.get("hashtags")).isEqualTo("[\"camel\",\"kafka\"]");
        assertThat(a.get("extra")).isEqualTo("{\"lang\":\"fr\"}");
        assertThat(a.get("created_at")).as("12:00:00.250+02:00 in UTC, milliseconds kept")
                .isEqualTo(LocalDateTime.of(2026, 11, 24, 10, 0, 0, 250_000_000));
        assertThat(a.get("word_count")).isEqualTo(6);
        assertThat(a.get("author")).as("an unknown author is SQL NULL, not the JSON text null").isNull();
    }

    @Test
    void upsertingAgainUpdatesInPlaceWithoutDuplicates() {
        template.sendBody("direct:upsert", List.of(post("c", "Old", "old text")));
        template.sendBody("direct:upsert", List.of(post("c", "New", "new text 東京"), post("d", "Other", "x")));

        List<Map<String, Object>> rows = rows();
        assertThat(rows).extracting(row -> row.get("title")).containsExactly("New", "Other");
        assertThat(rows.get(0).get("body")).isEqualTo("new text 東京");
    }

    /** A version of post {@code id}: created at the given time (null: none), with a lang field or not. */
    private SourceRecord version(String id, String title, String createdAt, boolean lang) {
        String json = "{\"id\":\"" + run + "-" + id + "\",\"author_id\":\"u-1\",\"title\":\"" + title
                + "\",\"body\":\"text of " + title + "\""
                + (createdAt == null ? "" : ",\"created_at\":\"" + createdAt + "\"")
                + (lang ? ",\"lang\":\"fr\"" : "") + "}";
        return new SourceRecord(STREAM_START + "-" + sequence++, json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theNewestVersionWinsWholeInAnyOrderAndAnyGrouping() {
        // per scenario: v1 older with an extra field, v2 newest without it, v3 without created_at (oldest of all)
        List<List<List<String>>> scenarios = List.of(
                List.of(List.of("v1", "v2", "v3")),
                List.of(List.of("v3", "v2", "v1")),
                List.of(List.of("v1"), List.of("v2"), List.of("v3")),
                List.of(List.of("v3"), List.of("v2"), List.of("v1")),
                List.of(List.of("v2"), List.of("v1", "v3")));
        for (int scenario = 0; scenario < scenarios.size(); scenario++) {
            String id = "m" + scenario;
            for (List<String> batch : scenarios.get(scenario)) {
                List<SourceRecord> records = new java.util.ArrayList<>();
                for (String name : batch) {
                    records.add(switch (name) {
                        case "v1" -> version(id, "v1", "2026-11-24T10:00:00Z", true);
                        case "v2" -> version(id, "v2", "2026-11-24T13:00:00+02:00", false);
                        default -> version(id, "v3", null, true);
                    });
                }
                template.sendBody("direct:upsert", records);
            }
        }

        List<Map<String, Object>> rows = rows().stream().filter(row -> ((String) row.get("id")).contains("-m")).toList();
        assertThat(rows).hasSize(scenarios.size());
        for (Map<String, Object> row : rows) {
            assertThat(row.get("title")).as(row.get("id").toString()).isEqualTo("v2");
            assertThat(row.get("body")).isEqualTo("text of v2");
            assertThat(row.get("extra")).as("no field of an older version survives").isNull();
            assertThat(row.get("created_at")).isEqualTo(LocalDateTime.of(2026, 11, 24, 11, 0));
        }
    }
}
