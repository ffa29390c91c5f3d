package io.dataflux.lineage;

import org.apache.camel.builder.RouteBuilder;

/**
 * Lineage's routes, in the Java DSL (listed in camel.main.routes-builder-classes, so that Camel Main loads them in
 * the jar and in the Karaf bundle alike). The sink routes call the first two with the batch or aggregate they just
 * delivered; the purge runs on one replica only (master:, as the jobs of singletons.camel.yaml).
 */
public final class LineageRoutes extends RouteBuilder {

    @Override
    public void configure() {
        from("direct:lineage-kafka").routeId("lineage-kafka")
                .routeDescription("Records where each post of a batch went in Kafka (partition, offset), in one insert")
                .filter(simple("{{dataflux.lineage.enabled}}")).id("lineage-kafka-enabled")
                    .process("kafkaLineage").id("lineage-kafka-record")
                .end();

        from("direct:lineage-archive").routeId("lineage-archive")
                .routeDescription("Records the archive file and line of each post of an aggregate, in one insert")
                .filter(simple("{{dataflux.lineage.enabled}}")).id("lineage-archive-enabled")
                    .process("archiveLineage").id("lineage-archive-record")
                .end();

        from("master:lineage-purge:timer:lineage-purge?period={{dataflux.lineage.purge-interval}}"
                + "&delay={{dataflux.lineage.purge-interval}}")
                .routeId("lineage-purge")
                .routeDescription("Deletes lineage older than dataflux.lineage.retention-days, on the leader only")
                .bean("lineageStore", "purge").id("lineage-purge-run");
    }
}
