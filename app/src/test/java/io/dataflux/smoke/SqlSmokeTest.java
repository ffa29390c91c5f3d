package io.dataflux.smoke;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import com.zaxxer.hikari.HikariDataSource;
import io.dataflux.testing.DataFluxCamelTest;
import io.dataflux.testing.RealServers;
import io.dataflux.testing.ServerKind;
import io.dataflux.testing.TestServers;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/** camel-sql through the application's HikariCP pool and mysql-connector-j, against the real MariaDB. */
@RealServers(ServerKind.MARIADB)
class SqlSmokeTest extends DataFluxCamelTest {

    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:create-table").routeId("smoke-sql-create")
                        .to("sql:CREATE TABLE IF NOT EXISTS smoke_posts (id VARCHAR(64) PRIMARY KEY,"
                            + " title VARCHAR(200) NOT NULL) CHARACTER SET utf8mb4?dataSource=#dataSource");
                from("direct:insert").routeId("smoke-sql-insert")
                        .to("sql:INSERT INTO smoke_posts (id, title) VALUES (:#id, :#title)?dataSource=#dataSource");
                from("direct:select").routeId("smoke-sql-select")
                        .to("sql:SELECT id, title FROM smoke_posts ORDER BY id?dataSource=#dataSource");
            }
        };
    }

    @Test
    void camelSqlCreatesInsertsAndSelectsRows() {
        template.sendBody("direct:create-table", null);
        template.sendBody("direct:insert", Map.of("id", "p-1", "title", "Première discussion"));
        template.sendBody("direct:insert", Map.of("id", "p-2", "title", "论坛 🚀"));

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rows = template.requestBody("direct:select", null, List.class);

        assertThat(rows).containsExactly(
                Map.of("id", "p-1", "title", "Première discussion"),
                Map.of("id", "p-2", "title", "论坛 🚀"));
        HikariDataSource dataSource = context.getRegistry().lookupByNameAndType("dataSource", HikariDataSource.class);
        assertThat(dataSource.getJdbcUrl()).isEqualTo(TestServers.mariaDb().jdbcUrl());
    }
}
