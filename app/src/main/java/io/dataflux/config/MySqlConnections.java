package io.dataflux.config;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

import com.zaxxer.hikari.HikariDataSource;
import org.apache.camel.CamelContext;

/**
 * MySQL has one definition, the HikariCP {@value #BEAN} bean (camel.beans.dataSource.*: URL, user, password, TLS
 * options as data source properties). The probes ({@code check}, readiness) open a fresh connection from that same
 * definition with short time-outs: a borrow from the pool would wait its connection time-out during an outage.
 */
public final class MySqlConnections {

    public static final String BEAN = "dataSource";

    private MySqlConnections() {
    }

    /** The pipeline's pool, or null when the registry has none. */
    public static HikariDataSource dataSource(CamelContext context) {
        return context.getRegistry().lookupByNameAndType(BEAN, HikariDataSource.class);
    }

    /** A new connection with the pool's URL, credentials and driver properties, failing within the time-out. */
    public static Connection open(HikariDataSource pool, int timeoutMillis) throws SQLException {
        Properties properties = new Properties();
        properties.putAll(pool.getDataSourceProperties());
        if (pool.getUsername() != null) {
            properties.setProperty("user", pool.getUsername());
        }
        if (pool.getPassword() != null) {
            properties.setProperty("password", pool.getPassword());
        }
        properties.setProperty("connectTimeout", Integer.toString(timeoutMillis));
        properties.setProperty("socketTimeout", Integer.toString(timeoutMillis));
        DriverManager.setLoginTimeout(Math.max(1, timeoutMillis / 1000));
        return DriverManager.getConnection(pool.getJdbcUrl(), properties);
    }

    /**
     * Why MySQL failed, in words that name no host, no URL and no secret (for readiness at the default exposure): the
     * first SQL or TLS failure in the chain, e.g. "refused the credentials (dataflux.mysql.username/password)".
     */
    public static String refusal(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof javax.net.ssl.SSLException) {
                return "refused the TLS handshake (dataflux.mysql.ssl-mode, dataflux.mysql.tls.*)";
            }
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException e) {
                String state = e.getSQLState() == null ? "" : e.getSQLState();
                return switch (e.getErrorCode()) {
                    case 1045 -> "refused the credentials (dataflux.mysql.username/password)";
                    case 1044, 1049 -> "has no such database, or the user may not use it (dataflux.mysql.url)";
                    case 1142, 1227 -> "refused a grant the user needs (error " + e.getErrorCode() + ")";
                    default -> state.startsWith("08") ? "is unreachable (" + e.getClass().getSimpleName() + ")"
                            : "failed: SQL state " + state + ", error " + e.getErrorCode();
                };
            }
        }
        return "failed (" + (failure == null ? "unknown" : failure.getClass().getSimpleName()) + ")";
    }
}
