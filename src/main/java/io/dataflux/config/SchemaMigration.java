package io.dataflux.config;

import javax.sql.DataSource;

import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the MySQL schema up to date (Flyway, db/migration) when Camel starts, before any route does, so that the
 * sinks never write to a table that is missing or old. Off with dataflux.mysql.migrate=false, e.g. where a DBA
 * migrates by hand.
 */
public final class SchemaMigration extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaMigration.class);

    private final CamelContext context;

    public SchemaMigration(CamelContext context) {
        this.context = context;
    }

    @Override
    protected void doStart() {
        if (!Boolean.parseBoolean(context.resolvePropertyPlaceholders("{{dataflux.mysql.migrate}}"))) {
            LOG.info("MySQL schema migration is off (dataflux.mysql.migrate=false)");
            return;
        }
        DataSource dataSource = context.getRegistry().lookupByNameAndType("dataSource", DataSource.class);
        if (dataSource == null) {
            throw new IllegalStateException("no 'dataSource' bean to migrate: check the camel.beans.dataSource.* properties");
        }
        MigrateResult result = Flyway.configure().dataSource(dataSource).load().migrate();
        LOG.info("MySQL schema at version {} ({} migration(s) applied now)", result.targetSchemaVersion,
                result.migrationsExecuted);
    }
}
