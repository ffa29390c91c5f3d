package io.dataflux.component.hdfs;

import java.util.Map;
import java.util.function.Supplier;

import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Readiness of an hdfs endpoint: DOWN, with the reason, when the NameNode (or local disk) cannot be reached. */
final class HdfsHealthCheck extends AbstractHealthCheck {

    private final HdfsEndpoint endpoint;
    private final Supplier<FileSystem> fileSystem;

    HdfsHealthCheck(HdfsEndpoint endpoint, String kind, Supplier<FileSystem> fileSystem) {
        super("camel", "hdfs-" + kind + ":" + endpoint.location());
        this.endpoint = endpoint;
        this.fileSystem = fileSystem;
    }

    /** Registers a check for a producer of the endpoint; null when health checks are off. */
    static HdfsHealthCheck register(HdfsEndpoint endpoint, String kind, Supplier<FileSystem> fileSystem) {
        HealthCheckRegistry registry = HealthCheckRegistry.get(endpoint.getCamelContext());
        if (registry == null) {
            return null;
        }
        HdfsHealthCheck check = new HdfsHealthCheck(endpoint, kind, fileSystem);
        check.setCamelContext(endpoint.getCamelContext());
        registry.register(check);
        return check;
    }

    void unregister() {
        HealthCheckRegistry registry = HealthCheckRegistry.get(getCamelContext());
        if (registry != null) {
            registry.unregister(this);
        }
    }

    /** An unreachable NameNode is not a reason to restart this JVM: readiness only. */
    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("location", endpoint.location());
        FileSystem fs = fileSystem.get();
        if (fs == null) {
            builder.message("not started").down();
            return;
        }
        try {
            builder.detail("baseDirectoryExists", fs.exists(new Path(endpoint.getConfiguration().getPath())));
            builder.up();
        } catch (Exception e) {
            builder.message("HDFS at " + endpoint.location() + " cannot be reached: " + e.getMessage()).error(e).down();
        }
    }
}
