package io.dataflux.component.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dataflux.testing.RealServers;
import io.dataflux.testing.ServerKind;

/**
 * Read + acknowledge throughput of the stream mode for 1 KB entries, by batch size; the route does nothing, so this
 * measures the source alone. Not part of the default run:
 * {@code ./mvnw -B test -Dtest=RedisSourceBenchmark -Dsurefire.excludedGroups= -Dgroups=bench}
 */
@Tag("bench")
@RealServers(ServerKind.REDIS)
class RedisSourceBenchmark extends RedisSourceTestSupport {

    private static final Logger LOG = LoggerFactory.getLogger(RedisSourceBenchmark.class);
    private static final int ENTRY_BYTES = 1024;

    @Test
    void readAndAckThroughputByBatchSize() throws Exception {
        String baseKey = key;
        measure(baseKey + ":warm-up", 100, 5_000);
        List<String> report = new ArrayList<>();
        for (int[] run : new int[][] {{1, 5_000}, {100, 50_000}, {500, 50_000}}) {
            double perSecond = measure(baseKey + ":batch-" + run[0], run[0], run[1]);
            report.add(String.format(Locale.ROOT, "batchSize=%-4d entries=%-6d %,10.0f entries/s", run[0], run[1],
                    perSecond));
        }
        LOG.info("redis-source read+ack throughput, {}-byte entries, no-op route:\n  {}", ENTRY_BYTES,
                String.join("\n  ", report));
    }

    /** Fills a fresh stream, then times one consumer until every entry is acknowledged. */
    private double measure(String streamKey, int batchSize, int entries) throws Exception {
        key = streamKey;
        for (int done = 0; done < entries; done += 10_000) {
            addEntries(Math.min(10_000, entries - done), ENTRY_BYTES - 8);
        }
        LongAdder seen = new LongAdder();
        AtomicLong firstDelivery = new AtomicLong();
        CamelContext context = new DefaultCamelContext();
        contexts.add(context);
        // a lambda, not a RouteBuilder subclass: Camel Main's package scan in other tests must not find it
        RouteBuilder.addRoutes(context, routes -> routes.from(uri("consumerName=bench&batchSize=" + batchSize))
                .routeId("bench-" + batchSize)
                .process(exchange -> {
                    firstDelivery.compareAndSet(0, System.nanoTime());
                    seen.add(exchange.getMessage().getBody(List.class).size());
                }));
        context.start();
        RedisSourceConsumer consumer = consumerOf(context, "bench-" + batchSize);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10))
                .until(() -> consumer.getMetrics().acknowledged() == entries);
        // from the first delivery (Camel's start-up left out) to the last acknowledgement
        double seconds = (System.nanoTime() - firstDelivery.get()) / 1e9;
        context.stop();
        assertThat(seen.sum()).isEqualTo(entries);
        assertThat(pendingCount("dataflux")).isZero();
        redis.del(streamKey);
        return entries / seconds;
    }
}
