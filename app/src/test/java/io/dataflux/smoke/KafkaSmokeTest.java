package io.dataflux.smoke;

import io.dataflux.testing.DataFluxCamelTest;
import io.dataflux.testing.RealServers;
import io.dataflux.testing.ServerKind;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;

/** camel-kafka produces a keyed record to the real broker and consumes it back, key and value intact. */
@RealServers(ServerKind.KAFKA)
class KafkaSmokeTest extends DataFluxCamelTest {

    private static final String TOPIC = "dataflux-smoke";

    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:publish").routeId("smoke-kafka-publish")
                        .to("kafka:" + TOPIC + "?requestRequiredAcks=all&enableIdempotence=true");
                from("kafka:" + TOPIC + "?groupId=smoke&autoOffsetReset=earliest").routeId("smoke-kafka-consume")
                        .to("mock:received");
            }
        };
    }

    @Test
    void camelKafkaProducesAndConsumesAKeyedRecord() throws Exception {
        MockEndpoint received = getMockEndpoint("mock:received");
        received.expectedBodiesReceived("{\"id\":\"post-42\",\"title\":\"Grüße\"}");
        received.expectedHeaderReceived(KafkaConstants.KEY, "post-42");
        received.setResultWaitTime(60_000);

        template.sendBodyAndHeader("direct:publish", "{\"id\":\"post-42\",\"title\":\"Grüße\"}",
                KafkaConstants.KEY, "post-42");

        received.assertIsSatisfied();
    }
}
