package io.dataflux.ops;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.dataflux.component.redis.RedisSourceEndpoint;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The list-mode reaper as a singleton job (routes/singletons.camel.yaml, under master:): through the redis-source
 * endpoint of the source route, returns the in-flight items of dead consumers to the list. Which route is configuration
 * ({@code camel.beans.listReaper.routeId} in application.properties, the ingest route's id); without it, every route
 * that reads a redis-source is reaped. The source route's own consumer has its reaper off (reaperInterval=0), so
 * exactly one replica reaps; in stream mode there is nothing to do.
 */
public final class ListReaper implements CamelContextAware {

    private static final Logger LOG = LoggerFactory.getLogger(ListReaper.class);

    private CamelContext camelContext;
    private String routeId;
    private final AtomicLong runs = new AtomicLong();
    private final AtomicLong reaped = new AtomicLong();

    /** Reaps once; returns the number of items given back to the list. */
    public long reap() {
        runs.incrementAndGet();
        long moved = 0;
        int sources = 0;
        for (Route route : routeId == null ? camelContext.getRoutes() : routes(routeId)) {
            if (route.getEndpoint() instanceof RedisSourceEndpoint endpoint) {
                sources++;
                moved += endpoint.reapExpiredConsumers();
            }
        }
        if (sources == 0) {
            LOG.debug("no redis-source route{}: nothing to reap", routeId == null ? "" : " '" + routeId + "'");
        }
        reaped.addAndGet(moved);
        return moved;
    }

    private List<Route> routes(String id) {
        Route route = camelContext.getRoute(id);
        return route == null ? List.of() : List.of(route);
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

    /** The route whose redis-source endpoint (its key, server and consumer registry) is reaped; null: every one. */
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
