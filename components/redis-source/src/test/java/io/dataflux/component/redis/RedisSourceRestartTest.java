package io.dataflux.component.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.health.HealthCheck;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import io.dataflux.testing.RedisTestServer;

/**
 * A Redis of its own: restarted while the consumer works (nothing is lost, the outage shows in the health check), and
 * given an ACL user.
 */
class RedisSourceRestartTest extends RedisSourceTestSupport {

    private static RedisTestServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = RedisTestServer.startDedicated();
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @Override
    protected String host() {
        return server.host();
    }

    @Override
    protected int port() {
        return server.port();
    }

    @Test
    void aRedisRestartDuringConsumptionLosesNothing() throws Exception {
        List<String> before = addEntries(2_000, 64);
        Set<String> seen = ConcurrentHashMap.newKeySet();
        CamelContext context = startContext(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri("consumerName=c1&batchSize=10&minIdleTime=500&claimInterval=200&reconnectMaxDelay=500"))
                        .routeId("source")
                        .process(exchange -> {
                            // some work per batch, so that batches are in flight when Redis goes away
                            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
                            for (Object entry : exchange.getMessage().getBody(List.class)) {
                                seen.add(((RedisEntry) entry).getId());
                            }
                        });
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() >= 150);

        List<String> warnings = new CopyOnWriteArrayList<>();
        Logger log = (Logger) LogManager.getLogger(RedisSourceConsumer.class);
        AbstractAppender capture = new AbstractAppender("capture", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                if (event.getLevel().isMoreSpecificThan(Level.WARN)) {
                    warnings.add(event.getMessage().getFormattedMessage());
                }
            }
        };
        capture.start();
        log.addAppender(capture);
        server.stop();
        try {
            assertThat(seen).hasSizeLessThan(before.size());
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> health(context, "source").orElseThrow().getState() == HealthCheck.State.DOWN);
            assertThat(health(context, "source").orElseThrow().getMessage()).get().asString()
                    .contains("Redis unreachable at " + host() + ":" + port());
        } finally {
            server.startAgain();
        }

        redis.close();
        redis = RedisTestServer.clientOf(host(), port());
        List<String> after = addEntries(400, 64);
        await().atMost(Duration.ofSeconds(30)).until(() -> seen.size() == before.size() + after.size());
        await().atMost(Duration.ofSeconds(10)).until(() -> pendingCount("dataflux") == 0);
        assertThat(seen).containsAll(before).containsAll(after);
        log.removeAppender(capture);
        // one warning for the whole outage, however many reads, acknowledgements and housekeeping runs failed
        assertThat(warnings).hasSize(1).first().asString().contains("Redis unreachable");
        assertThat(health(context, "source").orElseThrow().getState()).isEqualTo(HealthCheck.State.UP);
        Map<String, Object> details = health(context, "source").orElseThrow().getDetails();
        assertThat(details).containsKey("redis.entries.acknowledged");
    }

    @Test
    void anAclUserWithItsPasswordIsUsedAndAnUnknownOneReportsDown() throws Exception {
        String password = UUID.randomUUID().toString();
        redis.aclSetUser("ingest", "on", ">" + password, "~test:*", "+@all");
        redis.lpush(key, "for the ACL user");
        List<String> delivered = new CopyOnWriteArrayList<>();
        CamelContext context = startContext(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri("mode=list&consumerName=acl&exchangePerEntry=true&username=ingest&password=RAW(" + password + ")"))
                        .routeId("acl")
                        .process(exchange -> delivered.add(exchange.getMessage().getBody(String.class)));
                from(uri("mode=list&consumerName=intruder&username=ingest&password=wrong")).routeId("intruder")
                        .process(exchange -> delivered.add("intruder"));
            }
        });

        await().atMost(Duration.ofSeconds(10)).until(() -> delivered.contains("for the ACL user"));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> health(context, "intruder").orElseThrow().getState() == HealthCheck.State.DOWN);
        assertThat(delivered).containsExactly("for the ACL user");
        // the password is masked wherever Camel shows the endpoint, and marked secret in the component's metadata
        assertThat(context.getRoute("acl").getEndpoint().toString()).doesNotContain(password);
        JsonNode metadata = new ObjectMapper().readTree(getClass().getResourceAsStream(
                "/META-INF/io/dataflux/component/redis/redis-source.json"));
        assertThat(metadata.at("/properties/password/secret").asBoolean()).isTrue();
        assertThat(metadata.at("/properties/username/secret").asBoolean()).isTrue();
    }
}
