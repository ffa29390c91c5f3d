package io.dataflux.component.redis;

import java.util.Map;

import org.apache.camel.Endpoint;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.HealthCheckComponent;

/**
 * The {@code redis-source:} component: at-least-once consumption of a Redis stream or list. Options set on the
 * component (e.g. {@code camel.component.redis-source.host}) are the defaults of every endpoint.
 */
@Component("redis-source")
public class RedisSourceComponent extends HealthCheckComponent {

    /** The defaults shared by every endpoint of this component. */
    @Metadata
    private RedisSourceConfiguration configuration = new RedisSourceConfiguration();

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        if (remaining == null || remaining.isBlank()) {
            throw new IllegalArgumentException("redis-source needs a key: redis-source:<key>?mode=stream|list");
        }
        RedisSourceConfiguration endpointConfiguration = configuration.copy();
        endpointConfiguration.setKey(remaining);
        RedisSourceEndpoint endpoint = new RedisSourceEndpoint(uri, this, endpointConfiguration);
        setProperties(endpoint, parameters);
        return endpoint;
    }

    public RedisSourceConfiguration getConfiguration() {
        return configuration;
    }

    public void setConfiguration(RedisSourceConfiguration configuration) {
        this.configuration = configuration;
    }
}
