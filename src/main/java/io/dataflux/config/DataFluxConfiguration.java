package io.dataflux.config;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;

/** What DataFlux adds to Camel beyond its route files and properties: the schema migration before the routes start. */
@Configuration
public class DataFluxConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) throws Exception {
        context.addService(new SchemaMigration(context), true, true);
    }
}
