package io.dataflux.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;

import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.Test;

/**
 * An enricher takes two files (docs/extending.md): its processor class ({@link ExampleEnricher}) and one step of the
 * route file naming it with {@code beanType} - no bean definition in application.properties, no registration. The
 * step (src/test/resources/example-enricher/enrich-step.camel.yaml) runs the class on each post.
 */
class EnricherExtensionTest {

    @Test
    void aRouteStepNamingTheClassIsAllAnEnricherNeeds() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            PluginHelper.getRoutesLoader(context).loadRoutes(
                    ResourceHelper.resolveMandatoryResource(context, "classpath:example-enricher/enrich-step.camel.yaml"));
            context.start();
            ProducerTemplate template = context.createProducerTemplate();

            Map<String, Object> post = new HashMap<>(Map.of("id", "p1", "title", "Three small words"));
            Object enriched = template.requestBody("direct:example-enrich", post);
            assertThat(enriched).isInstanceOf(Map.class);
            assertThat(((Map<?, ?>) enriched).get("title_words")).isEqualTo(3);

            assertThatThrownBy(() -> template.requestBody("direct:example-enrich",
                    new HashMap<>(Map.of("id", "p2", "title", "SHOUTING TITLE"))))
                    .isInstanceOf(CamelExecutionException.class)
                    .hasCauseInstanceOf(RejectedRecordException.class);
            assertThat(context.getRegistry().findByType(ExampleEnricher.class))
                    .as("nothing registered the enricher as a bean").isEmpty();
        }
    }
}
