package io.dataflux.testing;

import org.flywaydb.core.Flyway;

/** The application's Flyway migrations applied to the test MariaDB, once per test JVM. */
public final class MySqlSchema {

    private static boolean migrated;

    private MySqlSchema() {
    }

    public static synchronized void migrate() {
        if (!migrated) {
            MariaDbTestServer db = TestServers.mariaDb();
            Flyway.configure().dataSource(db.jdbcUrl(), db.username(), db.password()).load().migrate();
            migrated = true;
        }
    }
}
