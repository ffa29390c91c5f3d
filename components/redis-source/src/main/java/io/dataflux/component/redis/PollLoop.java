package io.dataflux.component.redis;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The consumer's poll thread: reads a batch whenever an in-flight slot is free (own pending entries first, then claims
 * and new entries), hands it to the consumer, and backs off while Redis, the circuit breaker or the dead-letter sink
 * say wait. Its death is what the liveness check reports.
 */
final class PollLoop {

    static final int MAX_POLL_ERRORS = 5;
    private static final String POLL = "poll";

    private final RedisSourceConsumer consumer;
    private final RedisSourceConfiguration config;
    private final ConnectionState connectionState;
    private final SourceCircuitBreaker breaker;
    private final BatchDispatcher dispatcher;
    private final DeadLetterBacklog deadLetters;
    private RedisQueue queue;
    private ExecutorService poller;
    private volatile boolean reading;
    private volatile CountDownLatch stopSignal;
    /** Set when the poll thread ended while the consumer should be reading: liveness is DOWN. */
    private volatile Throwable death;
    /** Errors (OutOfMemoryError, ...) the poll loop survived in a row; it gives up after MAX_POLL_ERRORS. */
    private int pollErrors;

    PollLoop(RedisSourceConsumer consumer, ConnectionState connectionState, SourceCircuitBreaker breaker,
             BatchDispatcher dispatcher, DeadLetterBacklog deadLetters) {
        this.consumer = consumer;
        this.config = consumer.getConfiguration();
        this.connectionState = connectionState;
        this.breaker = breaker;
        this.dispatcher = dispatcher;
        this.deadLetters = deadLetters;
    }

    boolean isReading() {
        return reading;
    }

    /** Why the poll thread ended while it should be reading, or null. */
    Throwable death() {
        return death;
    }

    /** Starts the poll thread (on the consumer's start and resume). */
    void start(RedisQueue queue) {
        this.queue = queue;
        stopSignal = new CountDownLatch(1);
        reading = true;
        death = null;
        pollErrors = 0;
        poller = consumer.getEndpoint().getCamelContext().getExecutorServiceManager()
                .newSingleThreadExecutor(consumer, "RedisSourcePoller");
        poller.execute(this::run);
    }

    /** Stops reading; the poll thread ends after its current read (at most blockTimeout) and hand-over. */
    void stop() {
        reading = false;
        CountDownLatch signal = stopSignal;
        if (signal != null) {
            signal.countDown();
        }
    }

    /** Waits for the poll thread to end after a stop. */
    void awaitEnd() {
        if (poller != null) {
            // a synchronous route runs in the poll thread: it gets shutdownTimeout to finish its exchange
            consumer.getEndpoint().getCamelContext().getExecutorServiceManager().shutdownGraceful(poller,
                    config.getBlockTimeout() + config.getConnectTimeout() + config.getShutdownTimeout());
            poller = null;
        }
    }

    /**
     * The poll thread. The loop survives every failure of one iteration, errors included (OutOfMemoryError while
     * reading: the entries read stay pending and come back); after MAX_POLL_ERRORS errors in a row, or if anything
     * escapes, the thread ends and {@link #death()} makes the liveness check DOWN, so that the process is
     * restarted rather than looking alive while consuming nothing.
     */
    private void run() {
        try {
            runPollLoop();
        } catch (Throwable e) {
            death = e;
            try {
                RedisSourceConsumer.LOG.error("redis-source '{}': the poll thread died; liveness is DOWN", config.getKey(),
                        e);
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
                Runnable hook = consumer.pollHook;
                if (hook != null) {
                    hook.run();
                }
                if (!deadLetters.retryUnlessOutage() && deadLetters.size() >= config.getBatchSize()) {
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
                    Set<String> held = new HashSet<>(dispatcher.inflightIds());
                    held.addAll(deadLetters.ids());
                    raw = queue.claim(config.getBatchSize(), held);
                    if (queue.claimCycleComplete()) {
                        nextClaim = System.currentTimeMillis() + config.getClaimInterval();
                    }
                } else {
                    raw = queue.read(config.getBatchSize());
                }
                connectionState.succeeded(POLL);
                connectionState.succeeded(BatchDispatcher.ACK);
                backoff = 0;
                pollErrors = 0;
                holdingSlot = false;
                consumer.deliver(raw);
            } catch (Throwable e) {
                if (holdingSlot) {
                    dispatcher.releaseSlot();
                }
                if (!reading) {
                    return;
                }
                if (e instanceof Error error && ++pollErrors >= MAX_POLL_ERRORS) {
                    throw new IllegalStateException("the poll loop failed " + pollErrors + " times in a row with "
                            + error, error);
                }
                prepared = false;
                connectionState.failed(POLL, consumer.describe(e), e);
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
            if (dispatcher.tryAcquireSlot(200)) {
                if (reading) {
                    return true;
                }
                // the slot came free because the consumer is winding down: no new batch
                dispatcher.releaseSlot();
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
}
