package io.dataflux.config;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.health.HealthCheckRegistry;

/**
 * What DataFlux adds to Camel beyond its route files and properties: the schema migration before the routes start,
 * and its readiness check.
 */
@Configuration
public class DataFluxConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) throws Exception {
        SchemaMigration migration = new SchemaMigration(context);
        context.addService(migration, true, true);
        context.addLifecycleStrategy(migration.ingestHold());
        HealthCheckRegistry health = HealthCheckRegistry.get(context);
        if (health != null) {
            SchemaMigrationHealthCheck check = new SchemaMigrationHealthCheck(migration);
            check.setCamelContext(context);
            health.register(check);
        }
    }
}
