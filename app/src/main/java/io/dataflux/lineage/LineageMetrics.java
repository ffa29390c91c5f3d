package io.dataflux.lineage;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;

/** Counts lineage rows recorded and lineage inserts that failed, by sink (kafka, archive), on /observe/metrics. */
final class LineageMetrics {

    private LineageMetrics() {
    }

    static void recorded(CamelContext context, String sink, int rows) {
        MeterRegistry meters = context.getRegistry().findSingleByType(MeterRegistry.class);
        if (meters != null && rows > 0) {
            Counter.builder("dataflux.lineage.recorded").description("Lineage rows recorded").tag("sink", sink)
                    .register(meters).increment(rows);
        }
    }

    static void failed(CamelContext context, String sink, int rows) {
        MeterRegistry meters = context.getRegistry().findSingleByType(MeterRegistry.class);
        if (meters != null) {
            Counter.builder("dataflux.lineage.failed")
                    .description("Lineage rows not recorded (the insert failed; the posts were delivered all the same)")
                    .tag("sink", sink).register(meters).increment(rows);
        }
    }
}
