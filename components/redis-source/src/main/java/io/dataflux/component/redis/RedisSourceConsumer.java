package io.dataflux.component.redis;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.Suspendable;
import org.apache.camel.api.management.ManagedAttribute;
import org.apache.camel.api.management.ManagedResource;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.health.HealthCheckRepository;
import org.apache.camel.support.DefaultConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

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
    private static final String POLL = "poll";
    private static final String HOUSEKEEPING = "housekeeping";
    private static final String ACK = "ack";
    private static final String DEAD_LETTER = "dead-letter";

    /** The dead-letter endpoint refused an entry (its cause says why); the entry stays in the backlog. */
    static final class DeadLetterFailedException extends RuntimeException {
        DeadLetterFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final RedisSourceEndpoint endpoint;
    private final RedisSourceConfiguration config;
    private final String consumerName;
    private final RedisSourceMetrics metrics = new RedisSourceMetrics();
    private final ConnectionState connectionState;
    private final FailureClassifier classifier;
    private final SourceCircuitBreaker breaker;
    /** Set when the poll thread ended while the consumer should be reading: liveness is DOWN. */
    private volatile Throwable pollerDeath;
    /** Errors (OutOfMemoryError, ...) the poll loop survived in a row; it gives up after MAX_POLL_ERRORS. */
    private int pollErrors;
    static final int MAX_POLL_ERRORS = 5;
    /** Fault injection for tests: run at the start of every poll-loop iteration. */
    volatile Runnable pollHook;
    private final Set<InflightBatch> inflight = ConcurrentHashMap.newKeySet();
    /** Stream mode: the entries in flight by id, kept from being claimed again by this consumer and kept alive. */
    private final Map<String, RedisEntry> inflightById = new ConcurrentHashMap<>();
    /** Bad entries whose dead-lettering failed (Redis went away); retried before reading more. */
    private final Deque<DeadLetter> deadLetterBacklog = new ArrayDeque<>();
    /** Stream mode: the ids in the backlog, so that a claim neither takes them again nor queues them twice. */
    private final Set<String> deadLetterIds = ConcurrentHashMap.newKeySet();
    /** Released entries Redis did not take back (it was away); retried by housekeeping. */
    private final Queue<Release> releaseBacklog = new ConcurrentLinkedQueue<>();
    private Semaphore slots;
    private RedisQueue queue;
    private EntryDecoder decoder;
    private ExecutorService poller;
    private ScheduledExecutorService housekeeper;
    private ProducerTemplate deadLetterTemplate;
    private RedisSourceLivenessCheck livenessCheck;
    private volatile boolean reading;
    private volatile CountDownLatch stopSignal;

    private record DeadLetter(RawEntry entry, String reason) {
    }

    private record Release(List<RedisEntry> entries, boolean failed) {
    }

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
        return pollerDeath;
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
        queue.failureObserver = this::releasedAfterFailure;
        slots = new Semaphore(config.getMaxInflightBatches());
        if (config.getDeadLetterUri() != null && !config.getDeadLetterUri().isBlank()) {
            deadLetterTemplate = endpoint.getCamelContext().createProducerTemplate();
        }
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
        startReading();
        LOG.info("redis-source consuming {} '{}' as {} (batchSize={}, maxInflightBatches={})",
                config.getMode().name().toLowerCase(), config.getKey(), consumerName, config.getBatchSize(),
                config.getMaxInflightBatches());
    }

    private void startReading() {
        stopSignal = new CountDownLatch(1);
        reading = true;
        pollerDeath = null;
        pollErrors = 0;
        poller = endpoint.getCamelContext().getExecutorServiceManager().newSingleThreadExecutor(this, "RedisSourcePoller");
        poller.execute(this::pollLoop);
    }

    /** Stops reading; the poll thread ends after its current read (at most blockTimeout) and hand-over. */
    private void stopReading() {
        reading = false;
        CountDownLatch signal = stopSignal;
        if (signal != null) {
            signal.countDown();
        }
    }

    /** Camel's graceful shutdown suspends first: no more reads, while the exchanges in flight finish. */
    @Override
    protected void doSuspend() throws Exception {
        stopReading();
        super.doSuspend();
    }

    @Override
    protected void doResume() throws Exception {
        super.doResume();
        awaitPollerEnd();
        startReading();
    }

    private void awaitPollerEnd() {
        if (poller != null) {
            // a synchronous route runs in the poll thread: it gets shutdownTimeout to finish its exchange
            endpoint.getCamelContext().getExecutorServiceManager().shutdownGraceful(poller,
                    config.getBlockTimeout() + config.getConnectTimeout() + config.getShutdownTimeout());
            poller = null;
        }
    }

    @Override
    protected void doStop() throws Exception {
        stopReading();
        awaitPollerEnd();
        var executors = endpoint.getCamelContext().getExecutorServiceManager();
        awaitInflight(config.getShutdownTimeout());
        List<RedisEntry> leftover = inflight.stream().flatMap(batch -> batch.unsettledEntries().stream()).toList();
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
        if (deadLetterTemplate != null) {
            deadLetterTemplate.stop();
            deadLetterTemplate = null;
        }
        if (livenessCheck != null) {
            var registry = HealthCheckHelper.getHealthCheckRegistry(endpoint.getCamelContext());
            if (registry != null) {
                registry.unregister(livenessCheck);
            }
            livenessCheck = null;
        }
        super.doStop();
    }

    private void awaitInflight(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        synchronized (inflight) {
            while (!inflight.isEmpty()) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return;
                }
                inflight.wait(left);
            }
        }
    }

    /**
     * The poll thread. The loop survives every failure of one iteration, errors included (OutOfMemoryError while
     * reading: the entries read stay pending and come back); after MAX_POLL_ERRORS errors in a row, or if anything
     * escapes, the thread ends and {@link #pollerDeath()} makes the liveness check DOWN, so that the process is
     * restarted rather than looking alive while consuming nothing.
     */
    private void pollLoop() {
        try {
            runPollLoop();
        } catch (Throwable e) {
            pollerDeath = e;
            try {
                LOG.error("redis-source '{}': the poll thread died; liveness is DOWN", config.getKey(), e);
            } catch (Throwable ignored) {
                // out of memory even for the log: the liveness check still says it
            }
        }
    }

    private void runPollLoop() {
        boolean prepared = false;
        boolean recovering = true;
        long nextClaim = 0;
        long backoff = 0;
        while (reading) {
            boolean holdingSlot = false;
            try {
                Runnable hook = pollHook;
                if (hook != null) {
                    hook.run();
                }
                if (!retryDeadLettersUnlessOutage() && deadLetterBacklogSize() >= config.getBatchSize()) {
                    // a full batch of dead letters waits for the dead-letter sink: read no more bad entries meanwhile
                    backoff = backoff == 0 ? 100 : Math.min(backoff * 2, config.getReconnectMaxDelay());
                    if (!pause(backoff)) {
                        return;
                    }
                    continue;
                }
                long wait = breaker.waitBeforeRead();
                if (wait > 0) {
                    if (!pause(Math.min(wait, 200))) {
                        return;
                    }
                    continue;
                }
                if (!acquireSlot()) {
                    return;
                }
                holdingSlot = true;
                if (!prepared) {
                    queue.prepare();
                    prepared = true;
                }
                List<RawEntry> raw;
                if (recovering) {
                    raw = queue.recoverOwn(config.getBatchSize());
                    recovering = !raw.isEmpty();
                } else if (config.getMode() == RedisSourceMode.STREAM && System.currentTimeMillis() >= nextClaim) {
                    Set<String> held = new java.util.HashSet<>(inflightById.keySet());
                    held.addAll(deadLetterIds);
                    raw = queue.claim(config.getBatchSize(), held);
                    if (queue.claimCycleComplete()) {
                        nextClaim = System.currentTimeMillis() + config.getClaimInterval();
                    }
                } else {
                    raw = queue.read(config.getBatchSize());
                }
                connectionState.succeeded(POLL);
                connectionState.succeeded(ACK);
                backoff = 0;
                pollErrors = 0;
                holdingSlot = false;
                deliver(raw);
            } catch (Throwable e) {
                if (holdingSlot) {
                    slots.release();
                }
                if (!reading) {
                    return;
                }
                if (e instanceof Error error && ++pollErrors >= MAX_POLL_ERRORS) {
                    throw new IllegalStateException("the poll loop failed " + pollErrors + " times in a row with "
                            + error, error);
                }
                prepared = false;
                connectionState.failed(POLL, describe(e), e);
                backoff = backoff == 0 ? 100 : Math.min(backoff * 2, config.getReconnectMaxDelay());
                if (!pause(backoff)) {
                    return;
                }
            }
        }
    }

    /** Waits for a free in-flight slot without spinning; false when the consumer stops meanwhile. */
    private boolean acquireSlot() throws InterruptedException {
        while (reading) {
            if (slots.tryAcquire(200, TimeUnit.MILLISECONDS)) {
                if (reading) {
                    return true;
                }
                // the slot came free because the consumer is winding down: no new batch
                slots.release();
            }
        }
        return false;
    }

    private boolean pause(long millis) {
        try {
            return !stopSignal.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** A clear message for the health check and the log. */
    private String describe(Throwable e) {
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
            return "Redis unreachable at " + endpoint.describeServer() + " (" + rootMessage(e) + ")";
        }
        if (e instanceof Error) {
            return "the poll loop failed with " + e + "; the entries it read stay pending and come back; it restarts";
        }
        return "Redis error on '" + config.getKey() + "': " + rootMessage(e);
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
    }

    /** Hands the good entries to the route (the batch takes over the slot) and dead-letters the bad ones. */
    private void deliver(List<RawEntry> raw) {
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
            slots.release();
        } else {
            dispatch(good);
        }
        if (!deleted.isEmpty()) {
            // deleted from the stream while pending: nothing left to process
            queue.acknowledgeRaw(deleted);
        }
        synchronized (deadLetterBacklog) {
            for (DeadLetter letter : bad) {
                String id = letter.entry().id();
                if (id == null || deadLetterIds.add(id)) {
                    deadLetterBacklog.add(letter); // an entry already waiting is not queued twice
                }
            }
        }
        retryDeadLettersUnlessOutage();
    }

    private int deadLetterBacklogSize() {
        synchronized (deadLetterBacklog) {
            return deadLetterBacklog.size();
        }
    }

    /**
     * Writes the waiting dead letters. When the dead-letter endpoint fails because a server is down (outageExceptions),
     * they wait (readiness says so) while healthy entries go on: false. Any other failure is thrown.
     */
    private boolean retryDeadLettersUnlessOutage() {
        try {
            retryDeadLetters();
            connectionState.succeeded(DEAD_LETTER);
            return true;
        } catch (DeadLetterFailedException e) {
            if (!classifier.isOutage(e)) {
                throw e;
            }
            connectionState.failed(DEAD_LETTER, "dead letters cannot be written because a server is down ("
                    + rootMessage(e) + "); " + deadLetterBacklogSize() + " wait, healthy entries go on", e);
            return false;
        }
    }

    private void retryDeadLetters() {
        while (true) {
            DeadLetter next;
            synchronized (deadLetterBacklog) {
                next = deadLetterBacklog.peekFirst();
            }
            if (next == null) {
                return;
            }
            deadLetter(next);
            synchronized (deadLetterBacklog) {
                deadLetterBacklog.pollFirst();
                if (next.entry().id() != null) {
                    deadLetterIds.remove(next.entry().id());
                }
            }
        }
    }

    /**
     * Hands a refused entry over once, then acknowledges it. The body sent to deadLetterUri is the payload's exact
     * bytes: an oversized stream entry is read alone here (one copy), unless it exceeds deadLetterMaxBytes, when the
     * body is empty and the headers carry its length and the SHA-1 Redis computed.
     */
    private void deadLetter(DeadLetter letter) {
        RawEntry entry = letter.entry();
        if (entry.oversized() && entry.fields() == null && entry.payloadSha1() == null) {
            var whole = queue.readAlone(entry.id());
            if (whole == null) {
                queue.acknowledgeRaw(List.of(entry)); // deleted meanwhile: nothing left to dead-letter
                return;
            }
            entry = entry.withFields(whole);
        }
        RawEntry letterEntry = entry;
        if (deadLetterTemplate != null) {
            DeadLetterPayload payload = DeadLetterPayload.of(letterEntry, config);
            Exchange result = deadLetterTemplate.send(config.getDeadLetterUri(), exchange -> {
                exchange.getMessage().setBody(payload.bytes());
                exchange.getMessage().setHeader(RedisSourceConstants.DEAD_LETTER_REASON, letter.reason());
                exchange.getMessage().setHeader(RedisSourceConstants.KEY, config.getKey());
                exchange.getMessage().setHeader(RedisSourceConstants.ID, letterEntry.id());
                exchange.getMessage().setHeader(RedisSourceConstants.DELIVERY_COUNT, letterEntry.deliveryCount());
                exchange.getMessage().setHeader(RedisSourceConstants.PAYLOAD_LENGTH, payload.length());
                if (payload.sha1() != null) {
                    exchange.getMessage().setHeader(RedisSourceConstants.PAYLOAD_SHA1, payload.sha1());
                }
            });
            if (result.getException() != null) {
                throw new DeadLetterFailedException("dead-letter endpoint " + config.getDeadLetterUri() + " failed: "
                        + result.getException().getMessage(), result.getException());
            }
        } else {
            queue.writeDeadLetter(letterEntry, letter.reason());
        }
        queue.acknowledgeRaw(List.of(letterEntry));
        metrics.addDeadLettered(1);
        LOG.warn("redis-source '{}': dead-lettered {} to {}: {}", config.getKey(),
                letterEntry.id() != null ? letterEntry.id() : "an item",
                deadLetterTemplate != null ? config.getDeadLetterUri() : config.resolvedDeadLetterKey(), letter.reason());
    }

    private void dispatch(List<RedisEntry> entries) {
        InflightBatch batch = new InflightBatch(entries, this::entrySettled, this::batchSettled);
        if (config.getMode() == RedisSourceMode.STREAM) {
            entries.forEach(entry -> inflightById.put(entry.getId(), entry));
        }
        inflight.add(batch);
        metrics.inflightBatchCounter().incrementAndGet();
        metrics.addRead(entries.size());
        if (config.isExchangePerEntry()) {
            for (RedisEntry entry : entries) {
                Exchange exchange = createExchange(false);
                exchange.getMessage().setBody(entry.getId() != null ? entry.getFields() : entry.getValue());
                exchange.getMessage().setHeader(RedisSourceConstants.ENTRY, entry);
                exchange.getMessage().setHeader(RedisSourceConstants.ID, entry.getId());
                exchange.getMessage().setHeader(RedisSourceConstants.DELIVERY_COUNT, entry.getDeliveryCount());
                process(exchange, List.of(entry));
            }
        } else {
            Exchange exchange = createExchange(false);
            exchange.getMessage().setBody(new ArrayList<>(entries));
            exchange.getMessage().setHeader(RedisSourceConstants.BATCH_SIZE, entries.size());
            process(exchange, entries);
        }
    }

    private void process(Exchange exchange, List<RedisEntry> entries) {
        exchange.getMessage().setHeader(RedisSourceConstants.KEY, config.getKey());
        try {
            getAsyncProcessor().process(exchange, doneSync -> completed(exchange, entries));
        } catch (Throwable e) {
            exchange.setException(e);
            completed(exchange, entries);
        } finally {
            // an MDC service (camel-mdc) puts an exchange's ids on this thread and takes them off when the exchange
            // completes, which may be on another thread: the next batch and the dead letters must not log stale ids
            MDC.clear();
        }
    }

    private void completed(Exchange exchange, List<RedisEntry> entries) {
        try {
            if (exchange.getException() != null || exchange.isRollbackOnly()) {
                Throwable failure = exchange.getException();
                boolean outage = failure != null && classifier.isOutage(failure);
                if (failure != null) {
                    getExceptionHandler().handleException("redis-source '" + config.getKey() + "': exchange failed"
                            + (outage ? " because a server is down (not counted towards maxDeliveries)" : "") + "; its "
                            + entries.size() + " entries are released and will be delivered again", exchange, failure);
                }
                releasedAfterFailure(entries.get(0), failure);
                releaseQuietly(entries, !outage);
            } else {
                breaker.succeeded(entries.get(0));
            }
            if (exchange.getException() == null && !exchange.isRollbackOnly() && !manualAck(exchange)) {
                try {
                    RedisEntry.ackAll(entries);
                    connectionState.succeeded(ACK);
                } catch (RuntimeException e) {
                    connectionState.failed(ACK, describe(e) + "; unacknowledged entries will be delivered again", e);
                    // processed fine: not a failed delivery
                    releaseQuietly(entries, false);
                }
            }
        } finally {
            releaseExchange(exchange, false);
        }
    }

    /**
     * A batch (first entry given) failed: an outage opens the circuit breaker, a failure the records caused proves the
     * servers answer. Returns true when the failure is the records' (it counts towards maxDeliveries).
     */
    private boolean releasedAfterFailure(RedisEntry first, Throwable failure) {
        if (failure != null && classifier.isOutage(failure)) {
            breaker.outage(first, classifier.outageCause(failure));
            return false;
        }
        breaker.succeeded(first);
        return true;
    }

    private boolean manualAck(Exchange exchange) {
        return config.isManualAck()
                || Boolean.TRUE.equals(exchange.getProperty(RedisSourceConstants.MANUAL_ACK, Boolean.class))
                || Boolean.TRUE.equals(exchange.getMessage().getHeader(RedisSourceConstants.MANUAL_ACK, Boolean.class));
    }

    private void releaseQuietly(List<RedisEntry> entries, boolean failed) {
        try {
            RedisEntry.releaseAll(entries, failed);
        } catch (RuntimeException e) {
            // the entries no longer count as in flight; housekeeping gives list items back once Redis answers
            LOG.debug("redis-source '{}': could not release entries: {}", config.getKey(), rootMessage(e));
            releaseBacklog.add(new Release(entries, failed));
        }
    }

    private void retryReleases() {
        for (Release release; (release = releaseBacklog.peek()) != null; ) {
            queue.release(release.entries(), release.failed());
            releaseBacklog.poll();
        }
    }

    private void entrySettled(RedisEntry entry) {
        if (entry.getId() != null) {
            inflightById.remove(entry.getId(), entry);
        }
    }

    private void batchSettled(InflightBatch batch) {
        if (inflight.remove(batch)) {
            metrics.inflightBatchCounter().decrementAndGet();
            slots.release();
            synchronized (inflight) {
                inflight.notifyAll();
            }
        }
    }

    private void housekeeping() {
        try {
            retryReleases();
            queue.housekeeping(config.getMode() == RedisSourceMode.STREAM
                    ? List.copyOf(inflightById.values())
                    : List.of());
            connectionState.succeeded(HOUSEKEEPING);
        } catch (Throwable e) {
            // nothing may escape: a scheduled task that throws is never run again
            if (reading) {
                connectionState.failed(HOUSEKEEPING, describe(e), e);
            }
        }
    }
}
