package io.dataflux.component.redis;

import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness: DOWN while the consumer cannot read from Redis (unreachable, wrong key type, ...) or has paused reading
 * because a batch failed for a server outage (circuit breaker open), with the reason and its counters as details.
 * (Liveness is {@link RedisSourceLivenessCheck}'s.)
 */
final class RedisSourceHealthCheck extends AbstractHealthCheck {

    private final RedisSourceConsumer consumer;

    RedisSourceHealthCheck(RedisSourceConsumer consumer, String routeId) {
        super("camel", "consumer:redis-source-" + routeId);
        this.consumer = consumer;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        Throwable death = consumer.pollerDeath();
        builder.detail("redis.key", consumer.getConfiguration().getKey());
        builder.detail("redis.mode", consumer.getConfiguration().getMode().name());
        builder.detail("redis.consumer", consumer.getConsumerName());
        consumer.getMetrics().asMap().forEach((name, value) -> builder.detail("redis." + name, value));
        builder.detail("redis.circuitBreakerOpen", consumer.circuitBreaker().isOpen());
        ConnectionState.Problem problem = consumer.connectionState().problem();
        String paused = consumer.circuitBreaker().reason();
        if (death != null) {
            builder.down().message("the poll thread died (" + death + "): nothing is consumed").error(death);
        } else if (problem != null) {
            builder.down().message(paused == null ? problem.message() : problem.message() + "; " + paused);
            if (problem.cause() != null) {
                builder.error(problem.cause());
            }
        } else if (paused != null) {
            builder.down().message(paused);
        } else {
            builder.up();
        }
    }
}
