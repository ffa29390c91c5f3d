package io.dataflux.component.redis;

import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Liveness of a redis-source consumer: DOWN only when its poll thread has died while the consumer should be reading
 * (so that the process is restarted rather than looking alive while consuming nothing). An outage never fails it;
 * readiness ({@link RedisSourceHealthCheck}) reports those.
 */
final class RedisSourceLivenessCheck extends AbstractHealthCheck {

    private final RedisSourceConsumer consumer;

    RedisSourceLivenessCheck(RedisSourceConsumer consumer, String routeId) {
        super("camel", "redis-source-poller:" + routeId);
        this.consumer = consumer;
    }

    @Override
    public boolean isReadiness() {
        return false;
    }

    @Override
    public boolean isLiveness() {
        return true;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("redis.key", consumer.getConfiguration().getKey());
        builder.detail("redis.consumer", consumer.getConsumerName());
        Throwable death = consumer.pollerDeath();
        if (death != null) {
            builder.down().message("the poll thread died (" + death + "): nothing is consumed; restart the process")
                    .error(death);
        } else {
            builder.up();
        }
    }
}
