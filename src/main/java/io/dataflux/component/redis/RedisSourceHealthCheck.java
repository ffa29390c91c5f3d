package io.dataflux.component.redis;

import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/** DOWN while the consumer cannot read from Redis (unreachable, wrong key type, ...), with its counters as details. */
final class RedisSourceHealthCheck extends AbstractHealthCheck {

    private final RedisSourceConsumer consumer;

    RedisSourceHealthCheck(RedisSourceConsumer consumer, String routeId) {
        super("camel", "consumer:redis-source-" + routeId);
        this.consumer = consumer;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("redis.key", consumer.getConfiguration().getKey());
        builder.detail("redis.mode", consumer.getConfiguration().getMode().name());
        builder.detail("redis.consumer", consumer.getConsumerName());
        consumer.getMetrics().asMap().forEach((name, value) -> builder.detail("redis." + name, value));
        ConnectionState.Problem problem = consumer.connectionState().problem();
        if (problem != null) {
            builder.down().message(problem.message());
            if (problem.cause() != null) {
                builder.error(problem.cause());
            }
        } else {
            builder.up();
        }
    }
}
