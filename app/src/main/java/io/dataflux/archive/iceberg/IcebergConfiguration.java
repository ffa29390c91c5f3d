package io.dataflux.archive.iceberg;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.builder.RouteBuilder;

/**
 * The archive's Iceberg table: the {@value #BEAN} step of the archive-write route (a no-op unless
 * {@code dataflux.iceberg.enabled}), and, when enabled, the singleton job that expires old snapshots and sweeps orphan
 * data files.
 */
@Configuration
public class IcebergConfiguration implements CamelConfiguration {

    public static final String BEAN = "icebergArchive";

    @Override
    public void configure(CamelContext context) throws Exception {
        IcebergArchive archive = new IcebergArchive();
        archive.setCamelContext(context);
        context.getRegistry().bind(BEAN, archive);
        context.addService(archive, true, true);
        if (archive.settings().enabled()) {
            // a lambda, not a RouteBuilder class: the package scan would find such a class and build it on its own
            RouteBuilder.addRoutes(context, routes -> routes.from("master:iceberg-maintenance:timer:iceberg-maintenance"
                            + "?period={{dataflux.iceberg.maintenance-interval}}"
                            + "&delay={{dataflux.iceberg.maintenance-interval}}")
                    .routeId("iceberg-maintenance")
                    .routeDescription("Expires old snapshots of the archive's Iceberg table and deletes data files no "
                            + "snapshot references (written, never committed), on the leader only")
                    .process(exchange -> new TableMaintenance(archive.loadTable(), archive.settings()).run())
                    .id("iceberg-maintenance-run"));
        }
    }
}
