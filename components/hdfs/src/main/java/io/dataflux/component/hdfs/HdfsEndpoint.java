package io.dataflux.component.hdfs;

import java.net.InetAddress;
import java.net.UnknownHostException;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.support.CamelContextHelper;
import org.apache.camel.support.DefaultEndpoint;
import org.apache.camel.util.ObjectHelper;

/**
 * Writes exchanges to rolling files under a directory of HDFS (or the local disk).
 */
@UriEndpoint(firstVersion = "0.1.0", scheme = "hdfs", title = "HDFS", syntax = "hdfs:hostName:port/path",
             producerOnly = true,
             category = { Category.FILE, Category.BIGDATA }, headersClass = HdfsConstants.class)
public class HdfsEndpoint extends DefaultEndpoint {

    @UriParam
    private HdfsConfiguration configuration;

    private final HdfsMetrics metrics = new HdfsMetrics();
    private FileNaming naming;
    private final java.util.Set<HdfsProducer> producers = new java.util.concurrent.CopyOnWriteArraySet<>();

    public HdfsEndpoint(String uri, HdfsComponent component, HdfsConfiguration configuration) {
        super(uri, component);
        this.configuration = configuration;
    }

    @Override
    protected void doInit() throws Exception {
        super.doInit();
        HdfsOptions.resolve(configuration);
    }

    @Override
    public Producer createProducer() {
        return new HdfsProducer(this);
    }

    @Override
    public Consumer createConsumer(Processor processor) {
        throw new UnsupportedOperationException("hdfs only writes: read the files with Hadoop's own tools or a file system client");
    }

    @Override
    public HdfsComponent getComponent() {
        return (HdfsComponent) super.getComponent();
    }

    /**
     * A file system of the endpoint's own, opened as its producer opens one (server, HA name nodes, Kerberos login,
     * hadoop.* options): what {@code check} probes, so that it tries exactly what the archive will use. The caller
     * closes it.
     */
    public org.apache.hadoop.fs.FileSystem openFileSystem() throws java.io.IOException {
        return HdfsFileSystems.open(configuration);
    }

    public HdfsConfiguration getConfiguration() {
        return configuration;
    }

    public void setConfiguration(HdfsConfiguration configuration) {
        this.configuration = configuration;
    }

    /** The producer's counters: records, bytes, exchanges, write errors and rolls by reason. */
    public HdfsMetrics getMetrics() {
        return metrics;
    }

    void producerStarted(HdfsProducer producer) {
        producers.add(producer);
    }

    void producerStopped(HdfsProducer producer) {
        producers.remove(producer);
    }

    /**
     * Recovery, for a periodic job (on one instance, e.g. under master:): the in-progress files under this endpoint's
     * path whose writer's heartbeat expired get their lease recovered, are cut back to the length their writer last
     * synced and committed, whatever instance wrote them. Needs a started producer of this endpoint; returns how many
     * files were committed (or removed when empty).
     */
    public int recoverAbandoned() throws java.io.IOException {
        for (HdfsProducer producer : producers) {
            return producer.recoverAbandoned().size();
        }
        return 0;
    }

    /** The file system URI and base path, for logs and health details. */
    String location() {
        return HdfsFileSystems.uri(configuration).toString().replaceAll("/$", "") + configuration.getPath();
    }

    /**
     * The file names of this endpoint, shared by all its producers (a route and a template may each have one), so
     * that they draw from one sequence.
     */
    synchronized FileNaming naming(String extension) {
        if (naming == null) {
            naming = new FileNaming(configuration, instanceId(), extension);
        }
        return naming;
    }

    String instanceId() {
        String id = configuration.getInstanceId();
        if (ObjectHelper.isEmpty(id)) {
            id = System.getenv("HOSTNAME");
        }
        if (ObjectHelper.isEmpty(id)) {
            try {
                id = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                id = "localhost";
            }
        }
        return FileNaming.sanitizeInstanceId(id);
    }

    /** Like camel-jackson: the configured mapper, else the single one in the registry, else a default one. */
    ObjectMapper objectMapper() {
        if (configuration.getObjectMapper() != null) {
            return configuration.getObjectMapper();
        }
        ObjectMapper registered = CamelContextHelper.findSingleByType(getCamelContext(), ObjectMapper.class);
        return registered != null ? registered : new ObjectMapper();
    }
}
