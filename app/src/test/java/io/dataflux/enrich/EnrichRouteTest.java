package io.dataflux.enrich;

import io.dataflux.ingest.SourceRecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import io.dataflux.testing.DataFluxCamelTest;
import io.dataflux.testing.RealServers;
import io.dataflux.testing.ServerKind;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/**
 * The enrich route from routes/enrich.camel.yaml with the error handling of routes/errors.camel.yaml, on the real
 * MariaDB: good records come out enriched and in order, every kind of bad record lands in the dead_letter table with
 * its reason and its exact original bytes.
 */
@RealServers({ServerKind.REDIS, ServerKind.MARIADB})
class EnrichRouteTest extends DataFluxCamelTest {

    private final String run = UUID.randomUUID().toString().substring(0, 8);


    @Override
    protected Properties testProperties() {
        Properties properties = new Properties();
        properties.put("dataflux.record.max-bytes", "2000");
        // the outage test needs to see the failure, not ten retries of it
        properties.put("dataflux.retry.max-redeliveries", "1");
        properties.put("dataflux.retry.initial-delay", "10");
        return properties;
    }

    @Override
    public boolean isUseAdviceWith() {
        return true;
    }

    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:enrich-then-continue").routeId("test-enrich-then-continue")
                        .to("direct:enrich")
                        .setProperty("continued", constant(true));
                from("direct:dead-letters-of-run").routeId("test-read-dead-letters")
                        .to("sql:SELECT source_id, record_id, reason, detail, route_id, payload FROM dead_letter"
                            + " WHERE source_id LIKE :#prefix ORDER BY source_id?dataSource=#dataSource");
            }
        };
    }

    private SourceRecord record(int n, String json) {
        return record(n, json.getBytes(StandardCharsets.UTF_8));
    }

    private SourceRecord record(int n, byte[] payload) {
        return new SourceRecord(run + "-" + String.format("%03d", n), payload);
    }

    private static String post(String id, String body) {
        return "{\"id\":\"" + id + "\",\"author_id\":\"u-1\",\"title\":\"T\",\"body\":\"" + body + "\"}";
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> deadLetters() {
        return template.requestBodyAndHeader("direct:dead-letters-of-run", null, "prefix", run + "-%", List.class);
    }

    @Test
    void goodRecordsComeOutEnrichedInOrderAndBadOnesAreDeadLettered() throws Exception {
        context.start();
        List<SourceRecord> batch = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            batch.add(record(i, post("p-" + i, "<p>post #" + i + " by @ann</p>")));
        }
        batch.add(record(100, "{\"id\":\"broken\""));
        batch.add(record(101, new byte[] {'{', '"', 'i', 'd', '"', ':', '"', (byte) 0xFF, '"', '}'}));
        batch.add(record(102, "{\"author_id\":\"u-1\",\"body\":\"no id\"}"));
        batch.add(record(103, post("p-big", "x".repeat(3000))));
        batch.add(record(104, "{\"id\":\"p-type\",\"author_id\":\"u-1\",\"body\":42}"));
        batch.add(record(105, "[\"not\",\"an\",\"object\"]"));

        EnrichedBatch result = template.requestBody("direct:enrich", batch, EnrichedBatch.class);

        assertThat(result.posts()).hasSize(40);
        assertThat(result.posts()).extracting(EnrichedPost::sourceId)
                .as("read order kept through the parallel split")
                .isEqualTo(batch.subList(0, 40).stream().map(SourceRecord::sourceId).toList());
        Map<String, Object> first = result.posts().get(0).post();
        assertThat(first).containsEntry("body", "post #0 by @ann")
                .containsEntry("hashtags", List.of())
                .containsEntry("mentions", List.of("ann"))
                .containsKey("content_hash");
        assertThat(result.deadLettered()).containsExactlyInAnyOrder(
                run + "-100", run + "-101", run + "-102", run + "-103", run + "-104", run + "-105");

        List<Map<String, Object>> dead = deadLetters();
        assertThat(dead).extracting(row -> row.get("reason")).containsExactly(
                "MALFORMED_JSON", "INVALID_UTF8", "MISSING_FIELD", "TOO_LARGE", "WRONG_TYPE", "NOT_AN_OBJECT");
        assertThat(dead.get(1).get("payload")).as("original bytes, invalid UTF-8 included")
                .isEqualTo(batch.get(41).payload());
        assertThat(dead.get(4).get("record_id")).isEqualTo("p-type");
        assertThat(dead.get(4).get("detail")).isEqualTo("field 'body' must be a string, not a number");
        assertThat(dead).allSatisfy(row -> assertThat(row.get("route_id")).isEqualTo("enrich"));
    }

    @Test
    void theBatchRouteGoesOnAfterTheSplitWhenItsFirstRecordWasDeadLettered() throws Exception {
        context.start();

        var result = template.request("direct:enrich-then-continue",
                exchange -> exchange.getIn().setBody(List.of(record(7, "not json"))));

        assertThat(result.getException()).isNull();
        assertThat(result.getProperty("continued", false, Boolean.class))
                .as("a handled rejection inside the split must not end the caller's route").isTrue();
        assertThat(result.getMessage().getBody(EnrichedBatch.class).deadLettered()).containsExactly(run + "-007");
    }

    @Test
    void aFailureThatIsNotTheRecordsFaultFailsTheWholeBatch() throws Exception {
        AdviceWith.adviceWith(context, "enrich", route -> route.weaveById("enrich-derive").after()
                .process(exchange -> {
                    if ("p-outage".equals(exchange.getIn().getBody(Map.class).get("id"))) {
                        throw new IllegalStateException("author store unreachable");
                    }
                }));
        context.start();
        List<SourceRecord> batch = List.of(record(1, post("p-ok", "fine")), record(2, post("p-outage", "fine too")));

        assertThatThrownBy(() -> template.requestBody("direct:enrich", batch, EnrichedBatch.class))
                .isInstanceOf(CamelExecutionException.class)
                .hasRootCauseMessage("author store unreachable");
        assertThat(deadLetters()).as("an outage is no reason to dead-letter").isEmpty();
    }
}
