package io.dataflux.component.redis;

import java.io.IOException;
import java.security.GeneralSecurityException;

import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.support.DefaultEndpoint;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.jedis.JedisConnectionFactory;

/**
 * Reads a Redis stream (consumer group) or list (reliable queue) at least once, in batches, with deferred
 * acknowledgement; see {@link RedisSourceConsumer} for the acknowledgement contract.
 */
@UriEndpoint(firstVersion = "0.1.0", scheme = "redis-source", title = "Redis Source", syntax = "redis-source:key",
             consumerOnly = true, category = { Category.MESSAGING, Category.CACHE },
             headersClass = RedisSourceConstants.class)
public class RedisSourceEndpoint extends DefaultEndpoint {

    @UriParam
    private RedisSourceConfiguration configuration;

    /** The factory this endpoint made from host/port/... options; null when one was given. */
    private JedisConnectionFactory ownFactory;

    public RedisSourceEndpoint(String uri, RedisSourceComponent component, RedisSourceConfiguration configuration) {
        super(uri, component);
        this.configuration = configuration;
    }

    @Override
    public RedisSourceComponent getComponent() {
        return (RedisSourceComponent) super.getComponent();
    }

    public RedisSourceConfiguration getConfiguration() {
        return configuration;
    }

    public void setConfiguration(RedisSourceConfiguration configuration) {
        this.configuration = configuration;
    }

    @Override
    public Producer createProducer() {
        throw new UnsupportedOperationException("redis-source only consumes; use spring-redis to write to Redis");
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        RedisSourceConsumer consumer = new RedisSourceConsumer(this, processor);
        configureConsumer(consumer);
        return consumer;
    }

    @Override
    public boolean isRemote() {
        return true;
    }

    /**
     * One pooled factory per endpoint, alive from the endpoint's start to its stop (after its consumer's), so that
     * deferred acknowledgements still work while the route shuts down.
     */
    RedisConnectionFactory connectionFactory() {
        return configuration.getConnectionFactory() != null ? configuration.getConnectionFactory() : ownFactory;
    }

    /**
     * List mode: returns to the list the items in the processing lists of registered consumers whose heartbeat expired
     * (the reaper's work), for a deployment where one replica reaps for all (consumers with reaperInterval=0, and a
     * route under master: that calls this). Safe to call from several replicas: each move re-checks the heartbeat
     * atomically. Stream mode has no reaper (XAUTOCLAIM shares that work): 0.
     *
     * @return the number of items returned to the list
     */
    public long reapExpiredConsumers() {
        if (configuration.getMode() != RedisSourceMode.LIST) {
            return 0;
        }
        RedisConnectionFactory factory = connectionFactory();
        if (factory == null) {
            throw new IllegalStateException("redis-source endpoint " + getEndpointUri() + " is not started");
        }
        return new ListQueue(configuration, factory, configuration.resolvedConsumerName(), new RedisSourceMetrics())
                .reap();
    }

    String describeServer() {
        return configuration.getConnectionFactory() != null ? "the configured connectionFactory"
                : configuration.getHost() + ":" + configuration.getPort();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        if (configuration.getConnectionFactory() == null) {
            ownFactory = createFactory();
        }
    }

    @Override
    protected void doStop() throws Exception {
        if (ownFactory != null) {
            ownFactory.destroy();
            ownFactory = null;
        }
        super.doStop();
    }

    private JedisConnectionFactory createFactory() throws GeneralSecurityException, IOException {
        boolean tls = configuration.isSsl() || configuration.getSslContextParameters() != null;
        long connectTimeout = configuration.getConnectTimeout();
        long blockTimeout = configuration.getBlockTimeout();
        return new RedisConnectionSettings(configuration.getHost(), configuration.getPort(), configuration.getDatabase(),
                configuration.getUsername(), configuration.getPassword(), tls, true,
                configuration.getSslContextParameters() == null ? null
                        : configuration.getSslContextParameters().createSSLContext(getCamelContext()).getSocketFactory(),
                configuration.getPoolSize(), connectTimeout,
                // a blocking read must not time out on the socket first
                blockTimeout + Math.max(2000, connectTimeout), connectTimeout + blockTimeout, null)
                .createFactory();
    }
}
