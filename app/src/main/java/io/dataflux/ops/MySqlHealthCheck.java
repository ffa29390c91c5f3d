package io.dataflux.ops;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

import com.zaxxer.hikari.HikariDataSource;
import io.dataflux.config.MySqlConnections;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness of MySQL: DOWN, naming the server, while a connection cannot be opened and validated. It opens a fresh
 * connection from the pool's definition with short timeouts instead of borrowing from the pool, whose borrow would
 * wait the pool's connection timeout during an outage. Its message names the cause, never a secret.
 */
public final class MySqlHealthCheck extends AbstractHealthCheck {

    private static final int TIMEOUT_SECONDS = 3;

    /** The registry name of the pipeline's pool (application.properties: camel.beans.dataSource). */
    private final String dataSourceName;

    public MySqlHealthCheck(String dataSourceName) {
        super("dataflux", "mysql");
        this.dataSourceName = dataSourceName;
    }

    /** An unreachable database is no reason to restart the JVM: readiness only. */
    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        HikariDataSource dataSource = getCamelContext().getRegistry().lookupByNameAndType(dataSourceName,
                HikariDataSource.class);
        if (dataSource == null) {
            builder.unknown().message("no HikariCP data source named '" + dataSourceName + "'");
            return;
        }
        // the server's address is an internal: only with dataflux.management.health-exposure=full
        boolean internals = "full".equalsIgnoreCase(getCamelContext().resolvePropertyPlaceholders(
                "{{dataflux.management.health-exposure:default}}"));
        String server = internals ? "MySQL at " + dataSource.getJdbcUrl() : "MySQL";
        if (internals) {
            builder.detail("mysql.url", dataSource.getJdbcUrl());
        }
        try (Connection connection = MySqlConnections.open(dataSource, TIMEOUT_SECONDS * 1000)) {
            if (connection.isValid(TIMEOUT_SECONDS)) {
                builder.up();
            } else {
                builder.down().message(server + " does not answer");
            }
        } catch (SQLException e) {
            builder.down().message(server + " " + MySqlConnections.refusal(e));
            if (internals) {
                builder.error(e);
            }
        }
    }
}
