package io.dataflux.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import java.util.concurrent.TimeUnit;

import io.dataflux.testing.DataFluxCamelTest;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.junit.jupiter.api.Test;

/** The route files load from both DSLs (YAML and XML), carry ids and descriptions, and a tick flows through both. */
class HeartbeatRoutesTest extends DataFluxCamelTest {

    @Override
    protected Properties testProperties() {
        Properties properties = new Properties();
        properties.put("dataflux.heartbeat.period", "50");
        return properties;
    }

    @Test
    void bothDslsLoadWithIdsAndDescriptions() {
        ModelCamelContext model = (ModelCamelContext) context;
        RouteDefinition yaml = model.getRouteDefinition("heartbeat");
        RouteDefinition xml = model.getRouteDefinition("heartbeat-report");

        assertThat(yaml).as("heartbeat route from routes/heartbeat.camel.yaml").isNotNull();
        assertThat(xml).as("heartbeat-report route from routes/heartbeat-report.camel.xml").isNotNull();
        assertThat(yaml.getDescriptionText()).isNotBlank();
        assertThat(xml.getDescriptionText()).isNotBlank();
        assertThat(yaml.getResource().getLocation()).endsWith("heartbeat.camel.yaml");
        assertThat(xml.getResource().getLocation()).endsWith("heartbeat-report.camel.xml");
    }

    @Test
    void aTickFromTheYamlRouteReachesTheXmlRoute() {
        // the timer's exchange starts in the YAML route and travels on into the XML one over direct:
        NotifyBuilder ticks = new NotifyBuilder(context).fromRoute("heartbeat")
                .wereSentTo("direct:heartbeat-report")
                .whenAnyDoneMatches(exchange -> exchange.getIn().getBody(String.class)
                        .matches("tick \\d+ at \\d{4}-\\d{2}-\\d{2}T.*"))
                .create();

        assertThat(ticks.matches(10, TimeUnit.SECONDS)).isTrue();
    }
}
