package io.dataflux.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Properties;

import io.dataflux.DataFluxApplication;
import org.apache.camel.main.Main;
import org.apache.camel.model.LogDefinition;
import org.apache.camel.model.ModelCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dev profile (what {@code ./mvnw camel:run} uses): a saved route file is reloaded into the running Camel, and
 * the other routes keep running.
 */
class RouteReloadTest {

    @Test
    void aSavedRouteFileIsReloaded(@TempDir Path routes) throws Exception {
        for (Path route : Files.newDirectoryStream(Path.of("routes"))) {
            Files.copy(route, routes.resolve(route.getFileName()));
        }
        Main main = new Main(DataFluxApplication.class);
        main.configure().setProfile("dev");
        Properties overrides = new Properties();
        // the dev profile reads routes/ of the working directory; here, a copy of it
        overrides.put("camel.main.routes-include-pattern", "file:" + routes + "/*.camel.yaml,file:" + routes + "/*.camel.xml");
        overrides.put("camel.main.routes-reload-directory", routes.toString());
        overrides.put("camel.main.java-routes-exclude-pattern", "**/*Test*");
        overrides.put("camel.management.port", Integer.toString(io.dataflux.testing.ManagementEndpoint.onFreePort().port()));
        // no servers here: only the heartbeat routes need to run
        overrides.put("dataflux.ingest.auto-startup", "false");
        overrides.put("dataflux.mysql.migrate", "false");
        overrides.put("dataflux.hdfs.connect-on-startup", "false");
        main.setOverrideProperties(overrides);
        main.start();
        try {
            ModelCamelContext context = (ModelCamelContext) main.getCamelContext();
            assertThat(logMessage(context)).isEqualTo("${camelId} alive: ${body}");

            // saved as editors do: written aside, then moved over the file (a write in place can be seen half done)
            Path report = routes.resolve("heartbeat-report.camel.xml");
            Path saving = routes.resolve(".heartbeat-report.camel.xml.swp");
            Files.writeString(saving, Files.readString(report).replace("alive: ${body}", "still alive: ${body}"));
            Files.move(saving, report, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

            await().atMost(Duration.ofSeconds(90)).untilAsserted(
                    () -> assertThat(logMessage(context)).isEqualTo("${camelId} still alive: ${body}"));
            assertThat(context.getRouteController().getRouteStatus("heartbeat").isStarted())
                    .as("the routes of other files run on").isTrue();
        } finally {
            main.stop();
        }
    }

    private static String logMessage(ModelCamelContext context) {
        return context.getRouteDefinition("heartbeat-report").getOutputs().stream()
                .filter(LogDefinition.class::isInstance).map(output -> ((LogDefinition) output).getMessage())
                .findFirst().orElseThrow();
    }
}
