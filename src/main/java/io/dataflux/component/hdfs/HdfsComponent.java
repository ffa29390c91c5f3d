package io.dataflux.component.hdfs;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.Endpoint;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.HealthCheckComponent;
import org.apache.camel.util.PropertiesHelper;

/**
 * The hdfs component: rolling, durable, partitioned archive files on HDFS (or the local disk), and a consumer that
 * reads them back. A maintained replacement for camel-hdfs, which left Camel in 4.4.
 */
@Component("hdfs")
public class HdfsComponent extends HealthCheckComponent {

    /** The in-progress files this component's producers have open, which start-up recovery must leave alone. */
    private final Set<String> openInProgress = ConcurrentHashMap.newKeySet();

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        HdfsConfiguration configuration = new HdfsConfiguration();
        configuration.parseLocation(remaining);
        // hadoop.<key>=<value> options of the URI: Hadoop client settings (the multi-value prefix option)
        configuration.getHadoopProperties().putAll(org.apache.camel.util.PropertiesHelper.extractProperties(parameters, "hadoop."));
        HdfsEndpoint endpoint = new HdfsEndpoint(uri, this, configuration);
        // the hadoop.* options are Hadoop client settings: Camel binds a prefixed multi-value option only when asked to
        configuration.getHadoopProperties().putAll(PropertiesHelper.extractProperties(parameters, "hadoop."));
        setProperties(endpoint, parameters);
        return endpoint;
    }

    Set<String> openInProgress() {
        return openInProgress;
    }
}
