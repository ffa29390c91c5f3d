package io.dataflux.ops;

import java.util.concurrent.atomic.AtomicLong;

import io.dataflux.component.redis.RedisSourceEndpoint;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The list-mode reaper as a singleton job (routes/singletons.camel.yaml, under master:): through the redis-source
 * endpoint of the ingest route, returns the in-flight items of dead consumers to the list. The ingest route's own
 * consumer has its reaper off (reaperInterval=0), so exactly one replica reaps; in stream mode there is nothing to do.
 */
public final class ListReaper implements CamelContextAware {

    private static final Logger LOG = LoggerFactory.getLogger(ListReaper.class);

    private CamelContext camelContext;
    private String routeId = "ingest";
    private final AtomicLong runs = new AtomicLong();
    private final AtomicLong reaped = new AtomicLong();

    /** Reaps once; returns the number of items given back to the list. */
    public long reap() {
        runs.incrementAndGet();
        Route route = camelContext.getRoute(routeId);
        if (route == null || !(route.getEndpoint() instanceof RedisSourceEndpoint endpoint)) {
            LOG.debug("no redis-source route '{}': nothing to reap", routeId);
            return 0;
        }
        long moved = endpoint.reapExpiredConsumers();
        reaped.addAndGet(moved);
        return moved;
    }

    /** How often this instance has run the job (it runs only while this instance leads). */
    public long getRuns() {
        return runs.get();
    }

    /** Items this instance returned to the list. */
    public long getReaped() {
        return reaped.get();
    }

    /** Starts the counts again (tests, and an operator after a look at them). */
    public void resetCounts() {
        runs.set(0);
        reaped.set(0);
    }

    public String getRouteId() {
        return routeId;
    }

    /** The route whose redis-source endpoint (its key, server and consumer registry) is reaped. */
    public void setRouteId(String routeId) {
        this.routeId = routeId;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }
}
