package io.dataflux.component.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.apache.camel.Exchange;
import org.slf4j.MDC;

/**
 * Hands the consumer's batches to the route and settles them: acknowledges on success (unless the route took
 * acknowledgement over), releases on failure, and frees the batch's in-flight slot once every entry is settled. Also
 * keeps what is in flight, for claims, housekeeping and the stop.
 */
final class BatchDispatcher {

    /** The connection-state operation of acknowledging (shared with the poll loop, whose reads prove Redis answers). */
    static final String ACK = "ack";

    private final RedisSourceConsumer consumer;
    private final RedisSourceConfiguration config;
    private final RedisSourceMetrics metrics;
    private final ConnectionState connectionState;
    private final FailureClassifier classifier;
    private final SourceCircuitBreaker breaker;
    private final Set<InflightBatch> inflight = ConcurrentHashMap.newKeySet();
    /** Stream mode: the entries in flight by id, kept from being claimed again by this consumer and kept alive. */
    private final Map<String, RedisEntry> inflightById = new ConcurrentHashMap<>();
    /** Released entries Redis did not take back (it was away); retried by housekeeping. */
    private final Queue<Release> releaseBacklog = new ConcurrentLinkedQueue<>();
    private Semaphore slots;
    private RedisQueue queue;

    private record Release(List<RedisEntry> entries, boolean failed) {
    }

    BatchDispatcher(RedisSourceConsumer consumer, RedisSourceMetrics metrics, ConnectionState connectionState,
                    FailureClassifier classifier, SourceCircuitBreaker breaker) {
        this.consumer = consumer;
        this.config = consumer.getConfiguration();
        this.metrics = metrics;
        this.connectionState = connectionState;
        this.classifier = classifier;
        this.breaker = breaker;
    }

    /** On the consumer's start: the queue to release on, and maxInflightBatches free slots. */
    void start(RedisQueue queue) {
        this.queue = queue;
        this.slots = new Semaphore(config.getMaxInflightBatches());
    }

    boolean tryAcquireSlot(long timeoutMillis) throws InterruptedException {
        return slots.tryAcquire(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    void releaseSlot() {
        slots.release();
    }

    /** Stream mode: the ids of the entries in flight. */
    Set<String> inflightIds() {
        return inflightById.keySet();
    }

    /** Stream mode: the entries in flight (housekeeping keeps them from going idle); none in list mode. */
    List<RedisEntry> inflightEntries() {
        return config.getMode() == RedisSourceMode.STREAM ? List.copyOf(inflightById.values()) : List.of();
    }

    /** The entries neither acknowledged nor released yet. */
    List<RedisEntry> unsettledEntries() {
        return inflight.stream().flatMap(batch -> batch.unsettledEntries().stream()).toList();
    }

    /** Waits until no batch is in flight, at most the timeout. */
    void awaitInflight(long timeoutMillis) throws InterruptedException {
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

    /** Hands a batch of good entries to the route; the batch holds a slot the caller acquired. */
    void dispatch(List<RedisEntry> entries) {
        InflightBatch batch = new InflightBatch(entries, this::entrySettled, this::batchSettled);
        if (config.getMode() == RedisSourceMode.STREAM) {
            entries.forEach(entry -> inflightById.put(entry.getId(), entry));
        }
        inflight.add(batch);
        metrics.inflightBatchCounter().incrementAndGet();
        metrics.addRead(entries.size());
        if (config.isExchangePerEntry()) {
            for (RedisEntry entry : entries) {
                Exchange exchange = consumer.createExchange(false);
                exchange.getMessage().setBody(entry.getId() != null ? entry.getFields() : entry.getValue());
                exchange.getMessage().setHeader(RedisSourceConstants.ENTRY, entry);
                exchange.getMessage().setHeader(RedisSourceConstants.ID, entry.getId());
                exchange.getMessage().setHeader(RedisSourceConstants.DELIVERY_COUNT, entry.getDeliveryCount());
                process(exchange, List.of(entry));
            }
        } else {
            Exchange exchange = consumer.createExchange(false);
            exchange.getMessage().setBody(new ArrayList<>(entries));
            exchange.getMessage().setHeader(RedisSourceConstants.BATCH_SIZE, entries.size());
            process(exchange, entries);
        }
    }

    private void process(Exchange exchange, List<RedisEntry> entries) {
        exchange.getMessage().setHeader(RedisSourceConstants.KEY, config.getKey());
        try {
            consumer.getAsyncProcessor().process(exchange, doneSync -> completed(exchange, entries));
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
                    consumer.getExceptionHandler().handleException("redis-source '" + config.getKey() + "': exchange failed"
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
                    connectionState.failed(ACK, consumer.describe(e) + "; unacknowledged entries will be delivered again",
                            e);
                    // processed fine: not a failed delivery
                    releaseQuietly(entries, false);
                }
            }
        } finally {
            consumer.releaseExchange(exchange, false);
        }
    }

    /**
     * A batch (first entry given) failed: an outage opens the circuit breaker, a failure the records caused proves the
     * servers answer. Returns true when the failure is the records' (it counts towards maxDeliveries).
     */
    boolean releasedAfterFailure(RedisEntry first, Throwable failure) {
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
            RedisSourceConsumer.LOG.debug("redis-source '{}': could not release entries: {}", config.getKey(),
                    RedisErrors.rootMessage(e));
            releaseBacklog.add(new Release(entries, failed));
        }
    }

    /** Housekeeping: gives Redis back the released entries it did not take (it was away). */
    void retryReleases() {
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
}
