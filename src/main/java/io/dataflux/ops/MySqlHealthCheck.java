package io.dataflux.ops;

import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Map;
import java.util.Properties;

import com.zaxxer.hikari.HikariDataSource;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness of MySQL: DOWN, naming the server, while a connection cannot be opened and validated. It opens a fresh
 * connection with short timeouts instead of borrowing from the pool, whose borrow would wait the pool's connection
 * timeout (30 s) during an outage, longer than any probe waits.
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
        String url = dataSource.getJdbcUrl();
        builder.detail("mysql.url", url);
        Properties properties = new Properties();
        if (dataSource.getUsername() != null) {
            properties.setProperty("user", dataSource.getUsername());
        }
        if (dataSource.getPassword() != null) {
            properties.setProperty("password", dataSource.getPassword());
        }
        properties.setProperty("connectTimeout", Integer.toString(TIMEOUT_SECONDS * 1000));
        properties.setProperty("socketTimeout", Integer.toString(TIMEOUT_SECONDS * 1000));
        DriverManager.setLoginTimeout(TIMEOUT_SECONDS);
        try (Connection connection = DriverManager.getConnection(url, properties)) {
            if (connection.isValid(TIMEOUT_SECONDS)) {
                builder.up();
            } else {
                builder.down().message("MySQL at " + url + " does not answer");
            }
        } catch (Exception e) {
            builder.down().message("MySQL at " + url + " is unreachable: " + e.getMessage()).error(e);
        }
    }
}
