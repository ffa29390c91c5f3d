package io.dataflux.component.redis;

import org.slf4j.Logger;

/**
 * Stops the source taking new batches while what the route delivers to is down. Closed: the consumer reads freely.
 * A batch that fails for an outage opens it: no batch is read for {@code delay}. Then it is half-open: one batch is
 * read as a probe and nothing more until that batch completes. A success (of the probe or of any batch) closes it;
 * the probe failing for an outage opens it again for twice as long, up to {@code maxDelay}.
 */
final class SourceCircuitBreaker {

    private final Logger log;
    private final String what;
    private final long initialDelay;
    private final long maxDelay;
    private long delay;
    private long openUntil;
    private long openedAt;
    private boolean open;
    /** The first entry of the probe batch while one is out (half-open), else null. */
    private RedisEntry probe;
    private boolean probeRequested;
    private String reason;

    SourceCircuitBreaker(Logger log, String what, long initialDelay, long maxDelay) {
        this.log = log;
        this.what = what;
        this.initialDelay = initialDelay;
        this.maxDelay = Math.max(initialDelay, maxDelay);
    }

    boolean enabled() {
        return initialDelay > 0;
    }

    /**
     * How long the poll loop must wait before it may read (0: read now). When the breaker is open and its delay is
     * over, the next read is the probe: this returns 0 once, then a positive wait until the probe batch completes.
     */
    synchronized long waitBeforeRead() {
        if (!open) {
            return 0;
        }
        if (probe != null) {
            return 100; // the probe batch is out: wait for its outcome
        }
        if (probeRequested) {
            return 0; // the probe read has not happened yet (Redis failed it): try again
        }
        long left = openUntil - System.currentTimeMillis();
        if (left > 0) {
            return left;
        }
        probeRequested = true;
        return 0;
    }

    /** The batch just read (first entry; null when nothing was read): the probe when one was requested. */
    synchronized void dispatched(RedisEntry first) {
        if (probeRequested) {
            probeRequested = false;
            probe = first; // nothing read: the next read is a probe again
        }
    }

    /** A batch failed because a server is down. */
    synchronized void outage(RedisEntry first, Throwable cause) {
        if (!enabled()) {
            return;
        }
        long now = System.currentTimeMillis();
        if (!open) {
            open = true;
            openedAt = now;
            delay = initialDelay;
            log.warn("{}: a batch failed because a server is down ({}); no new batches for {} ms, then one probe batch",
                    what, message(cause), delay);
        } else if (probe != null && probe == first) {
            delay = Math.min(delay * 2, maxDelay);
            log.info("{}: the probe batch failed too ({}); next probe in {} ms", what, message(cause), delay);
        } else if (probe != null) {
            return; // a batch read before the breaker opened: the probe decides
        }
        probe = null;
        probeRequested = false;
        openUntil = now + delay;
        reason = "a batch failed because a server is down (" + message(cause) + "): reading paused (circuit breaker"
                + " open since " + (now - openedAt) + " ms ago), one probe batch every " + delay + " ms until one succeeds";
    }

    /** A batch completed (or failed for its records, which proves the servers answer): close. */
    synchronized void succeeded(RedisEntry first) {
        if (!open) {
            return;
        }
        if (probe != null && probe != first) {
            return; // an older batch completing; the probe decides
        }
        open = false;
        probe = null;
        probeRequested = false;
        reason = null;
        log.info("{}: a batch went through again; reading resumed after {} ms (circuit breaker closed)", what,
                System.currentTimeMillis() - openedAt);
    }

    synchronized boolean isOpen() {
        return open;
    }

    /** Why reading is paused, or null while closed. */
    synchronized String reason() {
        return open ? reason : null;
    }

    private static String message(Throwable cause) {
        if (cause == null) {
            return "unknown";
        }
        return cause.getClass().getSimpleName() + (cause.getMessage() != null ? ": " + cause.getMessage() : "");
    }
}
