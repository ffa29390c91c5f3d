package io.dataflux.ops;

import java.time.Duration;
import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

import io.dataflux.component.hdfs.HdfsRollEvent;
import io.dataflux.component.hdfs.RollReason;
import io.dataflux.component.redis.RedisEntry;
import io.dataflux.component.redis.RedisSourceConsumer;
import io.dataflux.component.redis.RedisSourceMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;

/**
 * DataFlux's own Prometheus metrics, on the Micrometer registry that camel-observability-services serves at
 * {@code /observe/metrics}. The pipeline's processors report records read, delivered, dead-lettered and acknowledged;
 * as an event notifier it counts redeliveries and HDFS rolls; the Redis source's pending count and lag are gauges.
 * Names follow Prometheus conventions once exported: counters end in {@code _total}, durations are in seconds.
 * Docs: docs/operations.md.
 */
public final class PipelineMetrics extends EventNotifierSupport {

    /** The bean name the route files and processors find it under. */
    public static final String BEAN = "pipelineMetrics";

    private static final PipelineMetrics NONE = new PipelineMetrics();

    private volatile MeterRegistry registry;

    /** The metrics bean of the context; a no-op one when there is none (processors run in plain unit tests too). */
    public static PipelineMetrics of(CamelContext context) {
        if (context == null) {
            return NONE;
        }
        PipelineMetrics metrics = context.getRegistry().lookupByNameAndType(BEAN, PipelineMetrics.class);
        return metrics != null ? metrics : NONE;
    }

    /** Records (Redis entries) handed to the pipeline in one batch. */
    public void batchRead(int records) {
        MeterRegistry meters = meters();
        if (meters == null) {
            return;
        }
        readCounter(meters).increment(records);
        DistributionSummary.builder("dataflux.batch.size").description("Records per batch read from Redis")
                .baseUnit("records").publishPercentileHistogram(false)
                .serviceLevelObjectives(1, 10, 50, 100, 250, 500, 1000, 2000)
                .register(meters).record(records);
    }

    private static Counter readCounter(MeterRegistry meters) {
        return Counter.builder("dataflux.records.read")
                .description("Records read from Redis (those the source refused and dead-lettered included)")
                .register(meters);
    }

    /** Records a sink (mysql, kafka, hdfs) has durably accepted. */
    public void delivered(String sink, int records) {
        MeterRegistry meters = meters();
        if (meters == null || records == 0) {
            return;
        }
        Counter.builder("dataflux.records.delivered").description("Records a sink has durably accepted")
                .tag("sink", sink).register(meters).increment(records);
    }

    /** A record written to the dead letter, by reason (INVALID_JSON, MISSING_ID, POISON, ...). */
    public void deadLettered(String reason) {
        MeterRegistry meters = meters();
        if (meters == null) {
            return;
        }
        Counter.builder("dataflux.records.dead.lettered").description("Records written to the dead_letter table")
                .tag("reason", reason == null ? "UNKNOWN" : reason).register(meters).increment();
    }

    /** A record written to the dead letter: refused by the source (counted as read too) or in the pipeline. */
    public void deadLettered(String reason, Boolean atSource) {
        if (Boolean.TRUE.equals(atSource)) {
            deadLetteredAtSource(reason);
        } else {
            deadLettered(reason);
        }
    }

    /** An entry the Redis source refused (invalid UTF-8, no payload, poison): read, and dead-lettered. */
    public void deadLetteredAtSource(String reason) {
        MeterRegistry meters = meters();
        if (meters == null) {
            return;
        }
        readCounter(meters).increment();
        deadLettered(reason);
    }

    /**
     * Entries this call acknowledged in Redis: the end-to-end latency from the moment the entry was written to Redis
     * (a stream entry id starts with its millisecond timestamp) to the acknowledgement. List items carry no time.
     */
    public void acknowledged(Collection<RedisEntry> entries) {
        MeterRegistry meters = meters();
        if (meters == null || entries.isEmpty()) {
            return;
        }
        Timer latency = Timer.builder("dataflux.record.latency")
                .description("From the record's write to Redis (its stream entry id) to its acknowledgement, after every sink")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(5)).maximumExpectedValue(Duration.ofMinutes(10))
                .register(meters);
        long now = System.currentTimeMillis();
        for (RedisEntry entry : entries) {
            long written = writtenAt(entry.getId());
            if (written > 0) {
                latency.record(Math.max(0, now - written), TimeUnit.MILLISECONDS);
            }
        }
    }

    /** The millisecond time of a stream entry id ("1700000000000-0"); -1 for anything else. */
    static long writtenAt(String streamId) {
        if (streamId == null) {
            return -1;
        }
        int dash = streamId.indexOf('-');
        try {
            return Long.parseLong(dash > 0 ? streamId.substring(0, dash) : streamId);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.ExchangeRedeliveryEvent || event instanceof HdfsRollEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        MeterRegistry meters = meters();
        if (meters == null) {
            return;
        }
        if (event instanceof HdfsRollEvent roll) {
            Counter.builder("dataflux.hdfs.rolls").description("HDFS files committed (rolled), by reason")
                    .tag("reason", roll.getReason().name().toLowerCase(Locale.ROOT))
                    .register(meters).increment();
            if (roll.getReason() == RollReason.RECOVERED) {
                Counter.builder("dataflux.hdfs.recovered")
                        .description("In-progress archive files of dead writers committed by recovery, by the writer's instance id")
                        .tag("writer", roll.getWriter() == null ? "unknown" : roll.getWriter()).register(meters).increment();
            } else if (roll.getWriter() != null) {
                Counter.builder("dataflux.hdfs.commit.retries")
                        .description("Archive files committed by a retried commit (the records were not written again)")
                        .register(meters).increment();
            }
            if (roll.getTruncatedBytes() > 0) {
                Counter.builder("dataflux.hdfs.truncated").baseUnit("bytes")
                        .description("Bytes recovery cut off archive files (torn writes after the last recorded sync)")
                        .register(meters).increment(roll.getTruncatedBytes());
            }
        } else if (event instanceof CamelEvent.ExchangeRedeliveryEvent redelivery) {
            Counter.builder("dataflux.retries").description("Redelivery attempts of a failing step (e.g. a sink outage)")
                    .tag("route", routeId(redelivery.getExchange())).register(meters).increment();
        }
    }

    private static String routeId(Exchange exchange) {
        Route route = exchange.getUnitOfWork() != null ? exchange.getUnitOfWork().getRoute() : null;
        if (route != null) {
            return route.getRouteId();
        }
        return Optional.ofNullable(exchange.getFromRouteId()).orElse("unknown");
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        meters();
    }

    private void registerGauges(MeterRegistry meters) {
        gauge(meters, "dataflux.redis.pending",
                    "Stream: entries pending in the consumer group (XPENDING); list: items in this consumer's processing list",
                    RedisSourceMetrics::pending);
            gauge(meters, "dataflux.redis.lag",
                    "Stream: entries not yet delivered to the group (XINFO GROUPS lag); list: the list's length",
                RedisSourceMetrics::lag);
    }

    /** A gauge over the redis-source consumers of the context; NaN while none runs or Redis has not told yet. */
    private void gauge(MeterRegistry meters, String name, String description, ToLongFunction<RedisSourceMetrics> value) {
        CamelContext context = getCamelContext();
        Gauge.builder(name, context, ctx -> {
            long sum = -1;
            for (Route route : ctx.getRoutes()) {
                if (route.getConsumer() instanceof RedisSourceConsumer consumer) {
                    long v = value.applyAsLong(consumer.getMetrics());
                    if (v >= 0) {
                        sum = Math.max(sum, 0) + v;
                    }
                }
            }
            return sum < 0 ? Double.NaN : sum;
        }).description(description).strongReference(true).register(meters);
    }

    /** The registry camel-micrometer created (it may come up after this bean); the gauges go on it once found. */
    private MeterRegistry meters() {
        MeterRegistry meters = registry;
        if (meters == null && getCamelContext() != null) {
            synchronized (this) {
                if (registry == null) {
                    meters = getCamelContext().getRegistry().findSingleByType(MeterRegistry.class);
                    if (meters != null) {
                        registerGauges(meters);
                        registry = meters;
                    }
                }
                meters = registry;
            }
        }
        return meters;
    }
}
