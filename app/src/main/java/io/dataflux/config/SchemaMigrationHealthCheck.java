package io.dataflux.config;

import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness of the MySQL schema: DOWN while {@link SchemaMigration} could not migrate it and holds the ingest route,
 * naming MySQL and the cause (never a host, URL or secret). UP once migrated, or when migration is off.
 */
final class SchemaMigrationHealthCheck extends AbstractHealthCheck {

    private final SchemaMigration migration;

    SchemaMigrationHealthCheck(SchemaMigration migration) {
        super("dataflux", "mysql-schema");
        this.migration = migration;
    }

    /** A schema waiting for MySQL is no reason to restart the JVM: readiness only. */
    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        String problem = migration.problem();
        if (problem == null) {
            builder.up();
        } else {
            builder.down().message(problem);
        }
    }
}
