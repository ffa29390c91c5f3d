package io.dataflux.component.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.resps.StreamPendingSummary;

import io.dataflux.testing.RedisTestServer;
import io.dataflux.testing.TestServers;

/** Camel contexts on a real Redis (each one a replica), unique keys per test, and a plain client to check Redis. */
abstract class RedisSourceTestSupport {

    protected final List<CamelContext> contexts = new ArrayList<>();
    protected Jedis redis;
    protected String key;

    @BeforeEach
    void connect(TestInfo test) {
        redis = RedisTestServer.clientOf(host(), port());
        key = "test:" + getClass().getSimpleName() + ":" + test.getTestMethod().orElseThrow().getName() + ":"
                + UUID.randomUUID();
    }

    @AfterEach
    void stopContexts() {
        for (CamelContext context : contexts) {
            context.stop();
        }
        redis.close();
    }

    protected String host() {
        return TestServers.redis().host();
    }

    protected int port() {
        return TestServers.redis().port();
    }

    /** The redis-source URI of this test's key on this test's server. */
    protected String uri(String options) {
        // the test server's ACL user, unless the test logs in as a user of its own
        String credentials = options.contains("username=") ? "" : RedisTestServer.uriCredentials();
        return "redis-source:" + key + "?host=" + host() + "&port=" + port() + credentials
                + (options.isEmpty() ? "" : "&" + options);
    }

    /** A started Camel context (one "replica") with the given routes. */
    protected CamelContext startContext(RouteBuilder routes) throws Exception {
        CamelContext context = new DefaultCamelContext();
        context.addRoutes(routes);
        context.start();
        // every check in the results, not only the failing ones
        HealthCheckHelper.getHealthCheckRegistry(context).setExposureLevel("full");
        contexts.add(context);
        return context;
    }

    protected RedisSourceConsumer consumerOf(CamelContext context, String routeId) {
        return (RedisSourceConsumer) context.getRoute(routeId).getConsumer();
    }

    protected Optional<HealthCheck.Result> health(CamelContext context, String routeId) {
        return HealthCheckHelper.invoke(context).stream()
                .filter(result -> result.getCheck().getId().equals("consumer:" + routeId))
                .findFirst();
    }

    protected List<String> addEntries(int count, int payloadBytes) {
        List<String> ids = new ArrayList<>(count);
        String payload = "x".repeat(payloadBytes);
        var pipeline = redis.pipelined();
        List<redis.clients.jedis.Response<StreamEntryID>> responses = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            responses.add(pipeline.xadd(key, XAddParams.xAddParams(), Map.of("n", Integer.toString(i), "payload", payload)));
        }
        pipeline.sync();
        responses.forEach(response -> ids.add(response.get().toString()));
        return ids;
    }

    protected long pendingCount(String group) {
        StreamPendingSummary summary = redis.xpending(key, group);
        return summary.getTotal();
    }
}
