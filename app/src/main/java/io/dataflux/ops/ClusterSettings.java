package io.dataflux.ops;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

import org.apache.camel.CamelContext;
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.component.kubernetes.KubernetesConfiguration;
import org.apache.camel.component.kubernetes.cluster.KubernetesClusterService;
import org.apache.camel.component.kubernetes.cluster.LeaseResourceType;
import org.apache.camel.component.zookeeper.cluster.ZooKeeperClusterService;
import org.apache.camel.spi.PropertiesComponent;

/**
 * The cluster service that {@code master:} routes (the singleton jobs) elect their leader with, chosen by
 * {@code dataflux.cluster.type}: {@code none} (one instance: it always leads), {@code zookeeper} or {@code kubernetes}
 * (Lease objects, named {@code dataflux-<namespace of the master: endpoint>}).
 */
public final class ClusterSettings {

    /** Leases (Kubernetes) and znodes (ZooKeeper, under /dataflux) carry this name. */
    public static final String PREFIX = "dataflux";

    public enum Type { NONE, ZOOKEEPER, KUBERNETES }

    private ClusterSettings() {
    }

    /** The configured cluster service, not started; the caller adds it to the context. */
    public static CamelClusterService create(CamelContext context) {
        PropertiesComponent properties = context.getPropertiesComponent();
        String typeName = property(properties, "dataflux.cluster.type", "none");
        Type type;
        try {
            type = Type.valueOf(typeName.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("dataflux.cluster.type must be none, zookeeper or kubernetes, not '"
                    + typeName + "'", e);
        }
        String instanceId = instanceId(property(properties, "dataflux.instance-id", ""));
        return switch (type) {
            case NONE -> new StandaloneClusterService(instanceId);
            case ZOOKEEPER -> zookeeper(properties, instanceId);
            case KUBERNETES -> kubernetes(properties, instanceId);
        };
    }

    private static CamelClusterService zookeeper(PropertiesComponent properties, String instanceId) {
        ZooKeeperClusterService service = new ZooKeeperClusterService();
        service.setId(instanceId);
        service.setNodes(property(properties, "dataflux.cluster.zookeeper.nodes", "127.0.0.1:2181"));
        service.setBasePath("/" + PREFIX);
        return service;
    }

    private static CamelClusterService kubernetes(PropertiesComponent properties, String instanceId) {
        KubernetesConfiguration configuration = new KubernetesConfiguration();
        String masterUrl = property(properties, "dataflux.cluster.kubernetes.master-url", "");
        if (!masterUrl.isBlank()) {
            configuration.setMasterUrl(masterUrl);
        }
        KubernetesClusterService service = new KubernetesClusterService(configuration);
        service.setId(instanceId);
        service.setPodName(instanceId);
        service.setLeaseResourceType(LeaseResourceType.Lease);
        service.setKubernetesResourceName(PREFIX);
        String namespace = property(properties, "dataflux.cluster.kubernetes.namespace", "");
        if (!namespace.isBlank()) {
            service.setKubernetesNamespace(namespace);
        }
        // how long a lease holds without renewal (a dead leader's jobs wait this long), and the renewal rhythm
        service.setLeaseDurationMillis(Long.parseLong(property(properties, "dataflux.cluster.kubernetes.lease-duration", "15000")));
        service.setRenewDeadlineMillis(Long.parseLong(property(properties, "dataflux.cluster.kubernetes.renew-deadline", "10000")));
        service.setRetryPeriodMillis(Long.parseLong(property(properties, "dataflux.cluster.kubernetes.retry-period", "2000")));
        return service;
    }

    /** {@code dataflux.instance-id}, else the host name (the pod name on Kubernetes), as the Redis consumer name. */
    static String instanceId(String configured) {
        if (configured != null && !configured.isBlank()) {
            return configured.trim();
        }
        String hostname = System.getenv("HOSTNAME");
        if (hostname != null && !hostname.isBlank()) {
            return hostname;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            throw new IllegalStateException("no dataflux.instance-id set and the host name is unknown", e);
        }
    }

    private static String property(PropertiesComponent properties, String key, String defaultValue) {
        return properties.resolveProperty(key).map(String::trim).orElse(defaultValue);
    }
}
