package io.dataflux.component.redis;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;

/**
 * Whether the consumer can work with Redis. Problems are reported by activity (polling, housekeeping); the consumer is
 * DOWN while any is unresolved. Logged once when an outage begins and once when it ends, not once per attempt.
 */
final class ConnectionState {

    private final Logger log;
    private final String what;
    private final Map<String, Problem> problems = new ConcurrentHashMap<>();
    private long outageStarted;
    private long failedAttempts;

    record Problem(String message, Throwable cause) {
    }

    ConnectionState(Logger log, String what) {
        this.log = log;
        this.what = what;
    }

    synchronized void failed(String activity, String message, Throwable cause) {
        failedAttempts++;
        boolean wasUp = problems.isEmpty();
        problems.put(activity, new Problem(message, cause));
        if (wasUp) {
            outageStarted = System.currentTimeMillis();
            log.warn("{}: {}; retrying with backoff, reporting DOWN until it works again", what, message);
        } else {
            log.debug("{}: still failing ({}): {}", what, activity, message);
        }
    }

    void succeeded(String activity) {
        if (!problems.containsKey(activity)) {
            return; // the common case, without taking the lock
        }
        recovered(activity);
    }

    private synchronized void recovered(String activity) {
        if (problems.remove(activity) != null && problems.isEmpty()) {
            log.info("{}: working again after {} ms ({} failed attempts)", what,
                    System.currentTimeMillis() - outageStarted, failedAttempts);
            failedAttempts = 0;
        }
    }

    boolean isDown() {
        return !problems.isEmpty();
    }

    /** The first unresolved problem, or null. */
    Problem problem() {
        return problems.values().stream().findFirst().orElse(null);
    }
}
