package io.dataflux;

import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts DataFlux with Camel Main: application.properties and the route files under routes/ say what runs.
 */
public final class DataFluxApplication {

    private static final Logger LOG = LoggerFactory.getLogger(DataFluxApplication.class);

    private DataFluxApplication() {
    }

    public static void main(String[] args) {
        int exitCode;
        try {
            exitCode = new Main(DataFluxApplication.class).run(args);
        } catch (Exception e) {
            // a pipeline that cannot start must exit non-zero, or a supervisor (Kubernetes, systemd) never learns of it
            LOG.error("DataFlux failed to start: {}", e.getMessage(), e);
            exitCode = 1;
        }
        System.exit(exitCode);
    }
}
