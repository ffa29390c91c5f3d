package io.dataflux.config;

import java.util.Collection;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.spi.LifecycleStrategy;
import org.apache.camel.support.LifecycleStrategySupport;
import org.apache.camel.support.service.ServiceSupport;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the MySQL schema up to date (Flyway, db/migration) when Camel starts, before any route does, so that the
 * sinks never write to a table that is missing or old. Off with dataflux.mysql.migrate=false, e.g. where a DBA
 * migrates by hand.
 * <p>
 * When the migration fails (MySQL down, a refused password, a missing grant) DataFlux still starts, with readiness
 * DOWN saying why ({@link SchemaMigrationHealthCheck}), but the {@value #INGEST_ROUTE} route is held: nothing is read
 * from Redis, so nothing can be acknowledged or counted as a failed delivery. The migration is retried in the
 * background with exponential backoff (dataflux.mysql.migrate-retry-delay up to -max-delay); once it succeeds the
 * ingest route is started, unless dataflux.ingest.auto-startup (or camel.main.auto-startup) kept it stopped.
 */
public final class SchemaMigration extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaMigration.class);

    /** The route that reads Redis (routes/ingest.camel.yaml), held until the schema is migrated. */
    static final String INGEST_ROUTE = "ingest";

    private final CamelContext context;
    private ScheduledExecutorService retries;
    private long delay;
    private long maxDelay;
    /** The ingest route was built while the schema was not migrated, and kept from starting (guarded by this). */
    private boolean ingestHeld;
    /** ... and would have started but for that (guarded by this). */
    private boolean startIngestWhenMigrated;
    /** Why the schema is not migrated yet (names no host, URL or secret), or null once it is, or when migration is off. */
    private volatile String problem;
    private volatile long nextAttempt;

    public SchemaMigration(CamelContext context) {
        this.context = context;
    }

    @Override
    protected void doStart() {
        if (!Boolean.parseBoolean(context.resolvePropertyPlaceholders("{{dataflux.mysql.migrate}}"))) {
            LOG.info("MySQL schema migration is off (dataflux.mysql.migrate=false)");
            return;
        }
        if (migrate()) {
            return;
        }
        delay = Long.parseLong(context.resolvePropertyPlaceholders("{{dataflux.mysql.migrate-retry-delay}}"));
        maxDelay = Math.max(delay, Long.parseLong(context.resolvePropertyPlaceholders(
                "{{dataflux.mysql.migrate-retry-max-delay}}")));
        retries = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "SchemaMigration");
        scheduleRetry();
    }

    /**
     * Holds the ingest route when it is added (at start-up, or reloaded) while the schema is not migrated: Camel adds a
     * route, telling its lifecycle strategies, before it starts the route's consumer if the route auto-starts.
     */
    public LifecycleStrategy ingestHold() {
        return new LifecycleStrategySupport() {
            @Override
            public void onRoutesAdd(Collection<Route> routes) {
                routes.stream().filter(route -> INGEST_ROUTE.equals(route.getRouteId())).forEach(SchemaMigration.this::hold);
            }
        };
    }

    private synchronized void hold(Route ingest) {
        if (problem == null) {
            return;
        }
        startIngestWhenMigrated = context.isAutoStartup() && !Boolean.FALSE.equals(ingest.isAutoStartup());
        ingestHeld = true;
        ingest.setAutoStartup(false);
        LOG.info("the '{}' route is held until the MySQL schema is migrated", INGEST_ROUTE);
    }

    @Override
    protected void doStop() {
        if (retries != null) {
            context.getExecutorServiceManager().shutdownNow(retries);
            retries = null;
        }
    }

    /** Why the schema is not migrated yet (no host, URL or secret), or null when it is (or migration is off). */
    public String problem() {
        String now = problem;
        if (now == null) {
            return null;
        }
        long wait = Math.max(0, nextAttempt - System.currentTimeMillis());
        return now + "; the ingest route waits for it, next attempt in " + TimeUnit.MILLISECONDS.toSeconds(wait + 999)
                + " s";
    }

    private boolean migrate() {
        DataSource dataSource = context.getRegistry().lookupByNameAndType(MySqlConnections.BEAN, DataSource.class);
        if (dataSource == null) {
            throw new IllegalStateException("no 'dataSource' bean to migrate: check the camel.beans.dataSource.* properties");
        }
        try {
            MigrateResult result = Flyway.configure().dataSource(dataSource).load().migrate();
            LOG.info("MySQL schema at version {} ({} migration(s) applied now)", result.targetSchemaVersion,
                    result.migrationsExecuted);
            problem = null;
            return true;
        } catch (RuntimeException e) {
            problem = "MySQL schema not migrated: MySQL " + MySqlConnections.refusal(e);
            // the cause's message (Access denied for user ...) names no secret; the stack trace is only for DEBUG
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            LOG.warn("{}; retrying in the background, the ingest route starts once it succeeds ({}: {})", problem,
                    root.getClass().getSimpleName(), root.getMessage());
            LOG.debug("MySQL schema migration failed", e);
            return false;
        }
    }

    private void scheduleRetry() {
        nextAttempt = System.currentTimeMillis() + delay;
        retries.schedule(this::retry, delay, TimeUnit.MILLISECONDS);
    }

    private void retry() {
        if (!isRunAllowed()) {
            return;
        }
        boolean startIngest;
        synchronized (this) {
            if (!migrate()) {
                delay = Math.min(delay * 2, maxDelay);
                scheduleRetry();
                return;
            }
            startIngest = ingestHeld && startIngestWhenMigrated;
            ingestHeld = false;
        }
        if (!startIngest) {
            LOG.info("the MySQL schema is migrated; the '{}' route stays stopped (dataflux.ingest.auto-startup=false)",
                    INGEST_ROUTE);
            return;
        }
        try {
            context.getRouteController().startRoute(INGEST_ROUTE);
            LOG.info("the '{}' route started now that the MySQL schema is migrated", INGEST_ROUTE);
        } catch (Exception e) {
            LOG.error("the MySQL schema is migrated but the '{}' route failed to start", INGEST_ROUTE, e);
        }
    }
}
