package io.dataflux;

import io.dataflux.cli.DataFluxCli;

/**
 * Starts DataFlux. Without arguments it runs the pipeline with Camel Main: application.properties and the route files
 * under routes/ say what runs. {@code --help} lists the other commands (check, load, trace, replay, generate, demo).
 */
public final class DataFluxApplication {

    private DataFluxApplication() {
    }

    public static void main(String[] args) {
        // a pipeline that cannot start exits non-zero, or a supervisor (Kubernetes, systemd) never learns of it
        System.exit(DataFluxCli.execute(args));
    }
}
