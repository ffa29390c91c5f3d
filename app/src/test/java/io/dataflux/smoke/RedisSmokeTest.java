package io.dataflux.smoke;

import static org.assertj.core.api.Assertions.assertThat;

import io.dataflux.testing.DataFluxCamelTest;
import io.dataflux.testing.RealServers;
import io.dataflux.testing.ServerKind;
import io.dataflux.testing.TestServers;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.redis.RedisConstants;
import org.apache.camel.spi.Registry;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.serializer.StringRedisSerializer;
import redis.clients.jedis.Jedis;

/** camel-spring-redis against the real Redis: what Camel writes, a plain client reads, and the other way round. */
@RealServers(ServerKind.REDIS)
class RedisSmokeTest extends DataFluxCamelTest {

    @Override
    protected void bindToRegistry(Registry registry) {
        registry.bind("stringSerializer", new StringRedisSerializer());
    }

    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:redis-command").routeId("smoke-redis")
                        // the application's one Redis connection: the secured server's ACL user and password
                        .to("spring-redis://{{dataflux.redis.host}}:{{dataflux.redis.port}}?serializer=#stringSerializer"
                                + "&connectionFactory=#redisConnectionFactory");
            }
        };
    }

    @Test
    void camelWritesAndReadsKeysOnTheRealServer() {
        template.send("direct:redis-command", exchange -> {
            exchange.getIn().setHeader(RedisConstants.COMMAND, "SET");
            exchange.getIn().setHeader(RedisConstants.KEY, "smoke:post:1");
            exchange.getIn().setHeader(RedisConstants.VALUE, "héllo wörld 👋");
        });

        try (Jedis jedis = TestServers.redis().client()) {
            assertThat(jedis.get("smoke:post:1")).isEqualTo("héllo wörld 👋");
            jedis.set("smoke:post:2", "written by a plain client");
        }

        Object read = template.request("direct:redis-command", exchange -> {
            exchange.getIn().setHeader(RedisConstants.COMMAND, "GET");
            exchange.getIn().setHeader(RedisConstants.KEY, "smoke:post:2");
        }).getMessage().getBody();
        assertThat(read).isEqualTo("written by a plain client");
    }
}
