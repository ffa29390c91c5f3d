package io.dataflux.component.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.jedis.JedisConnectionFactory;

import io.dataflux.testing.RealServers;
import io.dataflux.testing.ServerKind;
import io.dataflux.testing.TestServers;

/** A YAML route uses redis-source with no Java wiring: the component is found through its generated service file. */
@RealServers(ServerKind.REDIS)
class RedisSourceYamlRouteTest extends RedisSourceTestSupport {

    @Test
    void aYamlRouteConsumesAStreamThroughAConnectionFactoryBean() throws Exception {
        addEntries(3, 8);
        RedisStandaloneConfiguration server = new RedisStandaloneConfiguration(host(), port());
        if (!TestServers.redis().username().isEmpty()) {
            server.setUsername(TestServers.redis().username());
            server.setPassword(TestServers.redis().password());
        }
        JedisConnectionFactory factory = new JedisConnectionFactory(server);
        factory.afterPropertiesSet();
        factory.start();
        CamelContext context = new DefaultCamelContext();
        contexts.add(context);
        try {
            Properties properties = new Properties();
            properties.setProperty("redis.key", key);
            context.getPropertiesComponent().setInitialProperties(properties);
            context.getRegistry().bind("redisConnections", factory);
            PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.fromString("ingest.camel.yaml", """
                    - route:
                        id: ingest
                        from:
                          uri: redis-source:{{redis.key}}
                          parameters:
                            connectionFactory: "#redisConnections"
                            consumerName: yaml-1
                            batchSize: 2
                            blockTimeout: 200ms
                          steps:
                            - to: mock:records
                    """));
            MockEndpoint records = context.getEndpoint("mock:records", MockEndpoint.class);
            records.expectedMinimumMessageCount(2);
            context.start();

            records.assertIsSatisfied(TimeUnit.SECONDS.toMillis(10));
            List<String> values = records.getExchanges().stream()
                    .flatMap(exchange -> exchange.getMessage().getBody(List.class).stream())
                    .map(entry -> ((RedisEntry) entry).getFields().get("n"))
                    .toList();
            assertThat(values).containsExactly("0", "1", "2");
            assertThat(records.getExchanges().get(0).getMessage().getHeader(RedisSourceConstants.BATCH_SIZE)).isEqualTo(2);
        } finally {
            context.stop();
            factory.destroy();
        }
    }
}
