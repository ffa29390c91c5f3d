package io.dataflux.component.redis;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

/**
 * The entries the consumer refuses (oversized, poison, undecodable), on their way to the dead letter: written to
 * deadLetterUri (or the dead-letter key) and then acknowledged. Entries whose dead-lettering failed (a server away) wait
 * here in order and are retried before the next read, so a bad entry is never lost nor acknowledged unwritten.
 */
final class DeadLetterBacklog {

    private static final String DEAD_LETTER = "dead-letter";

    /** An entry refused, and why. */
    record DeadLetter(RawEntry entry, String reason) {
    }

    /** The dead-letter endpoint refused an entry (its cause says why); the entry stays in the backlog. */
    static final class DeadLetterFailedException extends RuntimeException {
        DeadLetterFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final RedisSourceEndpoint endpoint;
    private final RedisSourceConfiguration config;
    private final RedisSourceMetrics metrics;
    private final ConnectionState connectionState;
    private final FailureClassifier classifier;
    /** Kept across a stop and start of the consumer, like the entries it holds, which were never acknowledged. */
    private final Deque<DeadLetter> backlog = new ArrayDeque<>();
    /** Stream mode: the ids in the backlog, so that a claim neither takes them again nor queues them twice. */
    private final Set<String> ids = ConcurrentHashMap.newKeySet();
    private RedisQueue queue;
    private ProducerTemplate template;

    DeadLetterBacklog(RedisSourceEndpoint endpoint, RedisSourceMetrics metrics, ConnectionState connectionState,
                      FailureClassifier classifier) {
        this.endpoint = endpoint;
        this.config = endpoint.getConfiguration();
        this.metrics = metrics;
        this.connectionState = connectionState;
        this.classifier = classifier;
    }

    /** On the consumer's start: the queue the entries are acknowledged on, and the deadLetterUri producer if any. */
    void start(RedisQueue queue) {
        this.queue = queue;
        if (config.getDeadLetterUri() != null && !config.getDeadLetterUri().isBlank()) {
            template = endpoint.getCamelContext().createProducerTemplate();
        }
    }

    void stop() throws Exception {
        if (template != null) {
            template.stop();
            template = null;
        }
    }

    /** Queues the refused entries; an entry already waiting is not queued twice. */
    void addAll(List<DeadLetter> letters) {
        synchronized (backlog) {
            for (DeadLetter letter : letters) {
                String id = letter.entry().id();
                if (id == null || ids.add(id)) {
                    backlog.add(letter);
                }
            }
        }
    }

    int size() {
        synchronized (backlog) {
            return backlog.size();
        }
    }

    /** Stream mode: the ids waiting here, which a claim must not take again. */
    Set<String> ids() {
        return ids;
    }

    /**
     * Writes the waiting dead letters. When the dead-letter endpoint fails because a server is down (outageExceptions),
     * they wait (readiness says so) while healthy entries go on: false. Any other failure is thrown.
     */
    boolean retryUnlessOutage() {
        try {
            retry();
            connectionState.succeeded(DEAD_LETTER);
            return true;
        } catch (DeadLetterFailedException e) {
            if (!classifier.isOutage(e)) {
                throw e;
            }
            connectionState.failed(DEAD_LETTER, "dead letters cannot be written because a server is down ("
                    + RedisErrors.rootMessage(e) + "); " + size() + " wait, healthy entries go on", e);
            return false;
        }
    }

    private void retry() {
        while (true) {
            DeadLetter next;
            synchronized (backlog) {
                next = backlog.peekFirst();
            }
            if (next == null) {
                return;
            }
            deadLetter(next);
            synchronized (backlog) {
                backlog.pollFirst();
                if (next.entry().id() != null) {
                    ids.remove(next.entry().id());
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
        if (template != null) {
            DeadLetterPayload payload = DeadLetterPayload.of(letterEntry, config);
            Exchange result = template.send(config.getDeadLetterUri(), exchange -> {
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
        RedisSourceConsumer.LOG.warn("redis-source '{}': dead-lettered {} to {}: {}", config.getKey(),
                letterEntry.id() != null ? letterEntry.id() : "an item",
                template != null ? config.getDeadLetterUri() : config.resolvedDeadLetterKey(), letter.reason());
    }
}
