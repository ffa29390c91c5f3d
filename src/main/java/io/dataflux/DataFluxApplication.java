package io.dataflux;

import org.apache.camel.main.Main;

/**
 * Starts DataFlux with Camel Main: application.properties and the route files under routes/ say what runs.
 */
public final class DataFluxApplication {

    private DataFluxApplication() {
    }

    public static void main(String[] args) throws Exception {
        new Main(DataFluxApplication.class).run(args);
    }
}
