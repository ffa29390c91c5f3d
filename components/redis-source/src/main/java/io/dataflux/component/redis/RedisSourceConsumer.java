package io.dataflux.component.redis;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.dataflux.component.redis.DeadLetterBacklog.DeadLetter;
import io.dataflux.component.redis.DeadLetterBacklog.DeadLetterFailedException;
import org.apache.camel.Processor;
import org.apache.camel.Suspendable;
import org.apache.camel.api.management.ManagedAttribute;
import org.apache.camel.api.management.ManagedResource;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.health.HealthCheckRepository;
import org.apache.camel.support.DefaultConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes a Redis stream (through a consumer group) or a Redis list (as a reliable queue), at least once.
 *
 * <h2>Acknowledgement contract</h2>
 * <ul>
 * <li>Every entry is delivered as a {@link RedisEntry}: in batch mode the body is a {@code List<RedisEntry>}; with
 * {@code exchangePerEntry=true} the body is the entry's fields (stream) or item (list) and the entry is in the
 * {@link RedisSourceConstants#ENTRY} header.</li>
 * <li>By default the consumer acknowledges the exchange's entries (one XACK, or one LREM script) when the exchange
 * completes successfully, and only then. A failed exchange releases its entries: stream entries stay pending and are
 * claimed again (XAUTOCLAIM) after {@code minIdleTime}; list items go back to the list.</li>
 * <li>A route takes over acknowledgement by setting {@link RedisSourceConstants#MANUAL_ACK} to true (header or exchange
 * property), or for all exchanges with {@code manualAck=true}. The consumer then does nothing on success; the route calls
 * {@link RedisEntry#ack()} (or {@link RedisEntry#ackAll(Collection)} for many at once) when every sink has the entry,
 * or {@link RedisEntry#release()} to give it up. A failed exchange still releases the entries not yet acknowledged.</li>
 * <li>{@code ack()} and {@code release()} are idempotent and thread-safe; an entry is in flight until one of them has
 * happened, and a batch holds one of the {@code maxInflightBatches} slots until all its entries are settled. The poll
 * loop blocks while no slot is free.</li>
 * <li>Graceful shutdown suspends the consumer first (no more reads) while the exchanges in flight finish; on stop it
 * waits up to {@code shutdownTimeout} for deferred entries and releases the rest. Stream entries can still be
 * acknowledged after that (until the endpoint stops).</li>
 * <li>Poison (failed {@code maxDeliveries} times by its own fault: outages do not count), oversized (above
 * {@code recordMaxBytes}) and undecodable entries (invalid UTF-8, missing
 * {@code requiredFields}) never reach the route: they go to the dead letter with a reason and are acknowledged.</li>
 * </ul>
 */
@ManagedResource(description = "Redis source consumer")
public class RedisSourceConsumer extends DefaultConsumer implements Suspendable {

    static final Logger LOG = LoggerFactory.getLogger(RedisSourceConsumer.class);
    private static final String HOUSEKEEPING = "housekeeping";

    private final RedisSourceEndpoint endpoint;
    private final RedisSourceConfiguration config;
    private final String consumerName;
    private final RedisSourceMetrics metrics = new RedisSourceMetrics();
    private final ConnectionState connectionState;
    private final FailureClassifier classifier;
    private final SourceCircuitBreaker breaker;
    /** Fault injection for tests: run at the start of every poll-loop iteration. */
    volatile Runnable pollHook;
    private final PollLoop pollLoop;
    private final BatchDispatcher dispatcher;
    /** Bad entries on their way to the dead letter; those whose dead-lettering failed are retried before reading more. */
    private final DeadLetterBacklog deadLetters;
    private RedisQueue queue;
    private EntryDecoder decoder;
    private ScheduledExecutorService housekeeper;
    private RedisSourceLivenessCheck livenessCheck;

    public RedisSourceConsumer(RedisSourceEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        this.endpoint = endpoint;
        this.config = endpoint.getConfiguration();
        this.consumerName = config.resolvedConsumerName();
        this.connectionState = new ConnectionState(LOG, "redis-source " + config.getMode().name().toLowerCase()
                + " '" + config.getKey() + "' (consumer " + consumerName + ")");
        this.classifier = new FailureClassifier(config.getOutageExceptions());
        this.breaker = new SourceCircuitBreaker(LOG, "redis-source '" + config.getKey() + "' (consumer " + consumerName
                + ")", config.getCircuitBreakerDelay(), config.getCircuitBreakerMaxDelay());
        this.dispatcher = new BatchDispatcher(this, metrics, connectionState, classifier, breaker);
        this.deadLetters = new DeadLetterBacklog(endpoint, metrics, connectionState, classifier);
        this.pollLoop = new PollLoop(this, connectionState, breaker, dispatcher, deadLetters);
    }

    public RedisSourceConfiguration getConfiguration() {
        return config;
    }

    @ManagedAttribute(description = "The consumer name in the group / of the processing list")
    public String getConsumerName() {
        return consumerName;
    }

    public RedisSourceMetrics getMetrics() {
        return metrics;
    }

    @ManagedAttribute(description = "Entries delivered to the route")
    public long getEntriesRead() {
        return metrics.read();
    }

    @ManagedAttribute(description = "Entries acknowledged")
    public long getEntriesAcknowledged() {
        return metrics.acknowledged();
    }

    @ManagedAttribute(description = "Entries claimed from idle consumers")
    public long getEntriesClaimed() {
        return metrics.claimed();
    }

    @ManagedAttribute(description = "Entries dead-lettered")
    public long getEntriesDeadLettered() {
        return metrics.deadLettered();
    }

    @ManagedAttribute(description = "Batches in flight")
    public int getInflightBatches() {
        return metrics.inflightBatches();
    }

    @ManagedAttribute(description = "Pending entries (stream) or processing-list length (list)")
    public long getPending() {
        return metrics.pending();
    }

    @ManagedAttribute(description = "Entries not yet delivered (stream lag, or list length)")
    public long getLag() {
        return metrics.lag();
    }

    ConnectionState connectionState() {
        return connectionState;
    }

    SourceCircuitBreaker circuitBreaker() {
        return breaker;
    }

    /** Why the poll thread ended while it should be reading, or null: the liveness check is DOWN with it. */
    Throwable pollerDeath() {
        return pollLoop.death();
    }

    @ManagedAttribute(description = "True while reading is paused because a batch failed for a server outage")
    public boolean isCircuitBreakerOpen() {
        return breaker.isOpen();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        if (config.getBatchSize() < 1 || config.getMaxInflightBatches() < 1) {
            throw new IllegalArgumentException("batchSize and maxInflightBatches must be at least 1");
        }
        if (config.getBlockTimeout() < 1) {
            // Redis reads "block 0" as "block forever": the consumer could then never stop
            throw new IllegalArgumentException("blockTimeout must be at least 1 ms");
        }
        queue = config.getMode() == RedisSourceMode.LIST
                ? new ListQueue(config, endpoint.connectionFactory(), consumerName, metrics)
                : new StreamQueue(config, endpoint.connectionFactory(), consumerName, metrics);
        decoder = new EntryDecoder(config.getKey(), config.requiredFieldList(), queue);
        queue.failureObserver = dispatcher::releasedAfterFailure;
        dispatcher.start(queue);
        deadLetters.start(queue);
        HealthCheckRepository repository = HealthCheckHelper.getHealthCheckRepository(endpoint.getCamelContext(),
                "consumers", HealthCheckRepository.class);
        if (repository != null) {
            RedisSourceHealthCheck healthCheck = new RedisSourceHealthCheck(this, getRouteId());
            healthCheck.setEnabled(endpoint.getComponent().isHealthCheckConsumerEnabled());
            setHealthCheck(healthCheck);
        }
        var registry = HealthCheckHelper.getHealthCheckRegistry(endpoint.getCamelContext());
        if (registry != null) {
            livenessCheck = new RedisSourceLivenessCheck(this, getRouteId());
            livenessCheck.setCamelContext(endpoint.getCamelContext());
            registry.register(livenessCheck);
        }
        housekeeper = endpoint.getCamelContext().getExecutorServiceManager()
                .newSingleThreadScheduledExecutor(this, "RedisSourceHousekeeping");
        long interval = queue.housekeepingInterval();
        housekeeper.scheduleWithFixedDelay(this::housekeeping, interval, interval, TimeUnit.MILLISECONDS);
        pollLoop.start(queue);
        LOG.info("redis-source consuming {} '{}' as {} (batchSize={}, maxInflightBatches={})",
                config.getMode().name().toLowerCase(), config.getKey(), consumerName, config.getBatchSize(),
                config.getMaxInflightBatches());
    }

    /** Camel's graceful shutdown suspends first: no more reads, while the exchanges in flight finish. */
    @Override
    protected void doSuspend() throws Exception {
        pollLoop.stop();
        super.doSuspend();
    }

    @Override
    protected void doResume() throws Exception {
        super.doResume();
        pollLoop.awaitEnd();
        pollLoop.start(queue);
    }

    @Override
    protected void doStop() throws Exception {
        pollLoop.stop();
        pollLoop.awaitEnd();
        var executors = endpoint.getCamelContext().getExecutorServiceManager();
        dispatcher.awaitInflight(config.getShutdownTimeout());
        List<RedisEntry> leftover = dispatcher.unsettledEntries();
        if (!leftover.isEmpty()) {
            LOG.warn("redis-source '{}': releasing {} entries still unacknowledged after {} ms", config.getKey(),
                    leftover.size(), config.getShutdownTimeout());
            try {
                RedisEntry.releaseAll(leftover, false);
            } catch (RuntimeException e) {
                LOG.warn("redis-source '{}': could not release entries on stop ({}); they are recovered on restart or"
                        + " by another consumer", config.getKey(), e.toString());
            }
        }
        if (housekeeper != null) {
            executors.shutdownNow(housekeeper);
            // a heartbeat written after the cleanup below would keep this consumer's registration alive
            housekeeper.awaitTermination(config.getConnectTimeout() + 1000, TimeUnit.MILLISECONDS);
            housekeeper = null;
        }
        if (queue != null) {
            try {
                queue.close();
            } catch (RuntimeException e) {
                LOG.debug("redis-source '{}': cleanup on stop failed: {}", config.getKey(), e.toString());
            }
        }
        deadLetters.stop();
        if (livenessCheck != null) {
            var registry = HealthCheckHelper.getHealthCheckRegistry(endpoint.getCamelContext());
            if (registry != null) {
                registry.unregister(livenessCheck);
            }
            livenessCheck = null;
        }
        super.doStop();
    }

    /** A clear message for the health check and the log. */
    String describe(Throwable e) {
        if (e instanceof DeadLetterFailedException) {
            return e.getMessage() + "; the entry waits, it is retried before the next read";
        }
        String expected = config.getMode() == RedisSourceMode.LIST ? "list" : "stream";
        if (RedisErrors.isWrongType(e)) {
            String actual;
            try {
                actual = queue.keyType();
            } catch (RuntimeException typeFailure) {
                actual = "value of another type";
            }
            return "key '" + config.getKey() + "' holds a " + actual + ", not a " + expected
                    + ": nothing can be read until the key is fixed or the route points at another key";
        }
        if (RedisErrors.isNoGroup(e)) {
            return "group '" + config.getGroup() + "' or stream '" + config.getKey() + "' vanished; recreating it";
        }
        if (RedisErrors.isConnectionFailure(e)) {
            return "Redis unreachable at " + endpoint.describeServer() + " (" + RedisErrors.rootMessage(e) + ")";
        }
        if (e instanceof Error) {
            return "the poll loop failed with " + e + "; the entries it read stay pending and come back; it restarts";
        }
        return "Redis error on '" + config.getKey() + "': " + RedisErrors.rootMessage(e);
    }

    /** Hands the good entries to the route (the batch takes over the slot) and dead-letters the bad ones. */
    void deliver(List<RawEntry> raw) {
        List<RedisEntry> good = new ArrayList<>(raw.size());
        List<RawEntry> deleted = new ArrayList<>();
        List<DeadLetter> bad = new ArrayList<>();
        for (RawEntry entry : raw) {
            if (entry.deletedFromStream()) {
                deleted.add(entry);
            } else if (entry.oversized() || (entry.item() != null && config.getRecordMaxBytes() > 0
                    && entry.item().length > config.getRecordMaxBytes())) {
                bad.add(new DeadLetter(entry, "oversized: " + entry.size() + " bytes, more than recordMaxBytes="
                        + config.getRecordMaxBytes()));
            } else if (config.getMaxDeliveries() > 0 && entry.failures() >= config.getMaxDeliveries()) {
                bad.add(new DeadLetter(entry, "poison: failed " + entry.failures() + " times by its own fault"
                        + " (delivered " + entry.deliveryCount() + " times; maxDeliveries=" + config.getMaxDeliveries()
                        + ")"));
            } else {
                try {
                    good.add(decoder.decode(entry));
                } catch (EntryDecoder.BadEntryException e) {
                    bad.add(new DeadLetter(entry, e.getMessage()));
                }
            }
        }
        breaker.dispatched(good.isEmpty() ? null : good.get(0));
        if (good.isEmpty()) {
            dispatcher.releaseSlot();
        } else {
            dispatcher.dispatch(good);
        }
        if (!deleted.isEmpty()) {
            // deleted from the stream while pending: nothing left to process
            queue.acknowledgeRaw(deleted);
        }
        deadLetters.addAll(bad);
        deadLetters.retryUnlessOutage();
    }

    private void housekeeping() {
        try {
            dispatcher.retryReleases();
            queue.housekeeping(dispatcher.inflightEntries());
            connectionState.succeeded(HOUSEKEEPING);
        } catch (Throwable e) {
            // nothing may escape: a scheduled task that throws is never run again
            if (pollLoop.isReading()) {
                connectionState.failed(HOUSEKEEPING, describe(e), e);
            }
        }
    }
}
