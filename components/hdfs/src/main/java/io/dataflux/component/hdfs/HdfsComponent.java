package io.dataflux.component.hdfs;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.Endpoint;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.HealthCheckComponent;
import org.apache.camel.util.PropertiesHelper;

/**
 * The hdfs component: rolling, durable, partitioned archive files on HDFS (or the local disk). A maintained
 * replacement for camel-hdfs's producer, which left Camel in 4.4. Options set on the component (e.g.
 * {@code camel.component.hdfs.kerberos-username}) are the defaults of every endpoint; an endpoint's own options override
 * them.
 */
@Component("hdfs")
public class HdfsComponent extends HealthCheckComponent {

    /** The defaults shared by every endpoint of this component (each endpoint gets a copy). */
    @Metadata
    private HdfsConfiguration configuration = new HdfsConfiguration();

    /** The in-progress files this component's producers have open, which start-up recovery must leave alone. */
    private final Set<String> openInProgress = ConcurrentHashMap.newKeySet();

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        HdfsConfiguration endpointConfiguration = configuration.copy();
        endpointConfiguration.parseLocation(remaining);
        HdfsEndpoint endpoint = new HdfsEndpoint(uri, this, endpointConfiguration);
        // the hadoop.* options are Hadoop client settings: Camel binds a prefixed multi-value option only when asked to;
        // they add to (and override) the component's
        endpointConfiguration.getHadoopProperties().putAll(PropertiesHelper.extractProperties(parameters, "hadoop."));
        setProperties(endpoint, parameters);
        return endpoint;
    }

    public HdfsConfiguration getConfiguration() {
        return configuration;
    }

    public void setConfiguration(HdfsConfiguration configuration) {
        this.configuration = configuration;
    }

    Set<String> openInProgress() {
        return openInProgress;
    }
}
