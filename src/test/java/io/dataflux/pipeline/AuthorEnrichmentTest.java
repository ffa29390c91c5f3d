package io.dataflux.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.dataflux.testing.DataFluxCamelTest;
import io.dataflux.testing.RealServers;
import io.dataflux.testing.ServerKind;
import io.dataflux.testing.TestServers;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * The author lookup of routes/authors.camel.yaml on the real Redis and MariaDB: the Redis hash first, the MySQL
 * authors table when Redis has none, nothing for an unknown author, and the cache in front of both.
 */
@RealServers({ServerKind.REDIS, ServerKind.MARIADB})
class AuthorEnrichmentTest extends DataFluxCamelTest {

    private final String run = UUID.randomUUID().toString().substring(0, 8);


    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:add-author").routeId("test-add-author")
                        .to("sql:INSERT INTO authors (author_id, display_name, reputation, location, joined_at)"
                            + " VALUES (:#id, :#name, 7, 'Zürich', '2020-02-29 08:30:00.000')?dataSource=#dataSource");
            }
        };
    }

    private SourceRecord postBy(String authorId) {
        String json = "{\"id\":\"" + run + "-" + authorId + "\",\"author_id\":\"" + run + "-" + authorId
                + "\",\"body\":\"hello\"}";
        return new SourceRecord(run + "-" + authorId, json.getBytes(StandardCharsets.UTF_8));
    }

    private Map<String, Object> authorOf(EnrichedBatch batch, String authorId) {
        return batch.posts().stream()
                .filter(post -> post.post().get("author_id").equals(run + "-" + authorId))
                .findFirst().orElseThrow().post();
    }

    @Test
    void profilesComeFromRedisThenMySqlAndAreCached() {
        try (Jedis redis = TestServers.redis().client()) {
            redis.hset("author:" + run + "-r", Map.of("author_id", run + "-r", "display_name", "Ren 蓮",
                    "reputation", "42", "location", "Kyoto", "joined_at", "2021-05-01T09:00:00+09:00"));
        }
        template.sendBody("direct:add-author", Map.of("id", run + "-m", "name", "Mia"));

        EnrichedBatch batch = template.requestBody("direct:enrich",
                List.of(postBy("r"), postBy("m"), postBy("x")), EnrichedBatch.class);

        assertThat(authorOf(batch, "r").get("author")).isEqualTo(Map.of("author_id", run + "-r",
                "display_name", "Ren 蓮", "reputation", 42L, "location", "Kyoto", "joined_at", "2021-05-01T00:00Z"));
        assertThat(authorOf(batch, "m").get("author")).isEqualTo(Map.of("author_id", run + "-m",
                "display_name", "Mia", "reputation", 7L, "location", "Zürich", "joined_at", "2020-02-29T08:30Z"));
        assertThat(authorOf(batch, "x")).containsEntry("author", null);

        try (Jedis redis = TestServers.redis().client()) {
            redis.del("author:" + run + "-r");
        }
        EnrichedBatch again = template.requestBody("direct:enrich", List.of(postBy("r")), EnrichedBatch.class);
        assertThat(authorOf(again, "r").get("author")).as("served from the cache")
                .isEqualTo(authorOf(batch, "r").get("author"));
    }
}
