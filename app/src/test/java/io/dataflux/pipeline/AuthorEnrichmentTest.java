package io.dataflux.pipeline;

import io.dataflux.enrich.EnrichedBatch;
import io.dataflux.ingest.SourceRecord;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import io.dataflux.enrich.AuthorProfiles;
import io.dataflux.testing.DataFluxCamelTest;
import io.dataflux.testing.RealServers;
import io.dataflux.testing.ServerKind;
import io.dataflux.testing.TestServers;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * The batch author lookup of routes/authors.camel.yaml on the real Redis and MariaDB: the Redis hash first, the MySQL
 * authors table when Redis has none, nothing for an unknown author; one pipelined Redis read and at most one MySQL
 * query per batch, whatever the number of posts; the cache in front of both, remembering unknown authors too.
 */
@RealServers({ServerKind.REDIS, ServerKind.MARIADB})
class AuthorEnrichmentTest extends DataFluxCamelTest {

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final AtomicInteger mysqlQueries = new AtomicInteger();

    @Override
    protected Properties testProperties() {
        Properties properties = new Properties();
        // long enough that nothing expires during the test
        properties.put("dataflux.authors.miss-cache-seconds", "600");
        return properties;
    }

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

    @BeforeEach
    void countMySqlQueries() throws Exception {
        context.getManagementStrategy().addEventNotifier(new EventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                if (event instanceof CamelEvent.ExchangeSendingEvent sending
                        && sending.getEndpoint().getEndpointUri().startsWith("sql://SELECT")) {
                    mysqlQueries.incrementAndGet();
                }
            }
        });
        context.getRegistry().lookupByNameAndType("authorProfiles", AuthorProfiles.class).clearCache();
    }

    private SourceRecord postBy(String authorId, int n) {
        String json = "{\"id\":\"" + run + "-" + authorId + "-" + n + "\",\"author_id\":\"" + run + "-" + authorId
                + "\",\"body\":\"hello\"}";
        return new SourceRecord(run + "-" + authorId + "-" + n, json.getBytes(StandardCharsets.UTF_8));
    }

    private Map<String, Object> authorOf(EnrichedBatch batch, String authorId) {
        return batch.posts().stream()
                .filter(post -> post.post().get("author_id").equals(run + "-" + authorId))
                .findFirst().orElseThrow().post();
    }

    private static long hgetallCalls() {
        try (Jedis redis = TestServers.redis().client()) {
            String stats = redis.info("commandstats");
            for (String line : stats.split("\r?\n")) {
                if (line.startsWith("cmdstat_hgetall:")) {
                    return Long.parseLong(line.replaceAll("^cmdstat_hgetall:calls=(\\d+),.*", "$1"));
                }
            }
            return 0;
        }
    }

    @Test
    void profilesComeFromRedisThenMySqlAndAreCached() {
        try (Jedis redis = TestServers.redis().client()) {
            redis.hset("author:" + run + "-r", Map.of("author_id", run + "-r", "display_name", "Ren 蓮",
                    "reputation", "42", "location", "Kyoto", "joined_at", "2021-05-01T09:00:00+09:00"));
        }
        template.sendBody("direct:add-author", Map.of("id", run + "-m", "name", "Mia"));

        EnrichedBatch batch = template.requestBody("direct:enrich",
                List.of(postBy("r", 1), postBy("m", 1), postBy("x", 1)), EnrichedBatch.class);

        assertThat(authorOf(batch, "r").get("author")).isEqualTo(Map.of("author_id", run + "-r",
                "display_name", "Ren 蓮", "reputation", 42L, "location", "Kyoto", "joined_at", "2021-05-01T00:00Z"));
        assertThat(authorOf(batch, "m").get("author")).isEqualTo(Map.of("author_id", run + "-m",
                "display_name", "Mia", "reputation", 7L, "location", "Zürich", "joined_at", "2020-02-29T08:30Z"));
        assertThat(authorOf(batch, "x")).containsEntry("author", null);

        try (Jedis redis = TestServers.redis().client()) {
            redis.del("author:" + run + "-r");
        }
        EnrichedBatch again = template.requestBody("direct:enrich", List.of(postBy("r", 2)), EnrichedBatch.class);
        assertThat(authorOf(again, "r").get("author")).as("served from the cache")
                .isEqualTo(authorOf(batch, "r").get("author"));
    }

    @Test
    void aKeyOfAnotherTypeUnderTheAuthorPrefixFallsBackToMySqlWithoutFailingTheBatch() {
        // another application's data where a profile would be: a string and a list
        try (Jedis redis = TestServers.redis().client()) {
            redis.set("author:" + run + "-s", "not a profile");
            redis.rpush("author:" + run + "-l", "a", "b");
            redis.hset("author:" + run + "-r", Map.of("author_id", run + "-r", "display_name", "Ren"));
        }
        template.sendBody("direct:add-author", Map.of("id", run + "-s", "name", "Sam"));

        EnrichedBatch batch = template.requestBody("direct:enrich",
                List.of(postBy("s", 1), postBy("l", 1), postBy("r", 1)), EnrichedBatch.class);

        assertThat(batch.posts()).hasSize(3);
        assertThat(authorOf(batch, "s").get("author")).asInstanceOf(
                org.assertj.core.api.InstanceOfAssertFactories.MAP).containsEntry("display_name", "Sam");
        assertThat(authorOf(batch, "l")).containsEntry("author", null);
        assertThat(authorOf(batch, "r").get("author")).asInstanceOf(
                org.assertj.core.api.InstanceOfAssertFactories.MAP).containsEntry("display_name", "Ren");
    }

    @Test
    void oneRedisReadAndOneQueryPerBatchAndUnknownAuthorsAreRemembered() {
        // 400 posts by 40 authors: 10 in Redis, 10 only in MySQL, 20 nobody knows (a fresh crawl)
        try (Jedis redis = TestServers.redis().client()) {
            for (int a = 0; a < 10; a++) {
                redis.hset("author:" + run + "-redis" + a, Map.of("author_id", run + "-redis" + a,
                        "display_name", "R" + a, "reputation", String.valueOf(a)));
            }
        }
        for (int a = 0; a < 10; a++) {
            template.sendBody("direct:add-author", Map.of("id", run + "-sql" + a, "name", "S" + a));
        }
        List<SourceRecord> records = new ArrayList<>();
        for (int n = 0; n < 10; n++) {
            for (int a = 0; a < 10; a++) {
                records.add(postBy("redis" + a, n));
                records.add(postBy("sql" + a, n));
                records.add(postBy("new" + a, n));
                records.add(postBy("new" + (a + 10), n));
            }
        }
        long hgetallBefore = hgetallCalls();
        mysqlQueries.set(0);

        EnrichedBatch batch = template.requestBody("direct:enrich", records, EnrichedBatch.class);

        assertThat(batch.posts()).hasSize(400);
        assertThat(hgetallCalls() - hgetallBefore).as("one HGETALL per distinct author, in one pipeline").isEqualTo(40);
        assertThat(mysqlQueries.get()).as("one query for the 30 authors Redis lacks").isEqualTo(1);
        for (int a = 0; a < 10; a++) {
            assertThat(authorOf(batch, "redis" + a).get("author")).asInstanceOf(
                    org.assertj.core.api.InstanceOfAssertFactories.MAP).containsEntry("display_name", "R" + a)
                    .containsEntry("reputation", (long) a);
            assertThat(authorOf(batch, "sql" + a).get("author")).asInstanceOf(
                    org.assertj.core.api.InstanceOfAssertFactories.MAP).containsEntry("display_name", "S" + a);
            assertThat(authorOf(batch, "new" + a)).containsEntry("author", null);
        }

        // the next batch by the same authors touches neither store: profiles and unknown authors are cached
        long hgetallBetween = hgetallCalls();
        EnrichedBatch next = template.requestBody("direct:enrich", records.subList(0, 40), EnrichedBatch.class);
        assertThat(next.posts()).hasSize(40);
        assertThat(hgetallCalls() - hgetallBetween).isZero();
        assertThat(mysqlQueries.get()).isEqualTo(1);
        assertThat(authorOf(next, "new3")).containsEntry("author", null);
        assertThat(authorOf(next, "sql3").get("author")).asInstanceOf(
                org.assertj.core.api.InstanceOfAssertFactories.MAP).containsEntry("display_name", "S3");
    }
}
