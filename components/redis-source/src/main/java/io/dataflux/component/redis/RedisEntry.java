package io.dataflux.component.redis;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One entry read by a redis-source consumer, with its acknowledgement handle.
 * <p>
 * Stream mode: {@link #getId()} is the stream id and {@link #getFields()} the entry's fields. List mode: the id is
 * null and {@link #getValue()} is the item (also available as the field {@code value}).
 * <p>
 * {@link #ack()} and {@link #release()} are idempotent and thread-safe: any thread may call them, any number of times.
 * An entry is in flight (it counts towards maxInflightBatches) until it is acknowledged or released. After
 * {@code release()} a stream entry can still be acknowledged (its id is unique); a list item cannot (its value is not).
 * <p>
 * For an entry that several sinks must have before it may leave Redis, declare them with {@link #ackAfter(String...)};
 * each sink reports {@link #done(String)} (or {@link #doneAll(Collection, String)} for a group), and the last one
 * acknowledges the entry. A sink that failed calls {@link #release()}.
 */
public final class RedisEntry {

    private static final int PENDING = 0;
    private static final int RELEASED = 1;
    private static final int ACKING = 2;
    private static final int ACKED = 3;

    private final String key;
    private final String id;
    private final Map<String, String> fields;
    private final String value;
    private final long deliveryCount;
    /** What the Redis commands need: the item's exact bytes in list mode. */
    private final byte[] rawValue;
    private final RedisQueue queue;

    private final AtomicInteger state = new AtomicInteger(PENDING);
    private final AtomicBoolean settled = new AtomicBoolean();
    /** The parts that must be done before the acknowledgement (ackAfter/done); guarded by itself. */
    private final Set<String> outstandingParts = new HashSet<>();
    private boolean partsDeclared;
    private volatile InflightBatch batch;
    /** The state an acknowledgement in progress came from, to restore if it fails; owned by the acking thread. */
    private int stateBeforeAck;

    RedisEntry(String key, String id, Map<String, String> fields, String value, byte[] rawValue, long deliveryCount,
               RedisQueue queue) {
        this.key = key;
        this.id = id;
        this.fields = fields;
        this.value = value;
        this.rawValue = rawValue;
        this.deliveryCount = deliveryCount;
        this.queue = queue;
    }

    /** The Redis key the entry was read from. */
    public String getKey() {
        return key;
    }

    /** The stream id (stream mode); null in list mode. */
    public String getId() {
        return id;
    }

    /** The entry's fields, in stream order (list mode: the single field {@code value}). */
    public Map<String, String> getFields() {
        return fields;
    }

    /** The list item (list mode); in stream mode the field {@code value} if the entry has one. */
    public String getValue() {
        return value != null ? value : fields.get(RedisSourceConstants.LIST_VALUE_FIELD);
    }

    /**
     * How many times this entry has been delivered, this time included: stream mode as Redis counts it for the group;
     * list mode 1 + the failed deliveries recorded for an item of the same value.
     */
    public long getDeliveryCount() {
        return deliveryCount;
    }

    /** True once the entry is acknowledged in Redis. */
    public boolean isAcknowledged() {
        return state.get() == ACKED;
    }

    /**
     * Acknowledges the entry in Redis (XACK, or LREM from the processing list). Returns once Redis has it; returns at
     * once if it already had it. Throws if Redis cannot be reached: the entry then stays in flight and may be
     * acknowledged again later (or is redelivered after a restart or minIdleTime).
     */
    public void ack() {
        ackAll(List.of(this));
    }

    /**
     * Gives the entry up without acknowledging it, as a failed delivery: it no longer counts as in flight; a stream
     * entry stays pending and is claimed again after minIdleTime, a list item goes back to the far end of the list.
     * No-op once acknowledged or released.
     */
    public void release() {
        releaseAll(List.of(this));
    }

    /**
     * Declares the parts (e.g. the sinks "mysql", "kafka", "hdfs") that must each report {@link #done(String)} before
     * the entry is acknowledged. Call it before handing the entry to the parts; calling it again adds parts.
     */
    public RedisEntry ackAfter(String... parts) {
        synchronized (outstandingParts) {
            partsDeclared = true;
            outstandingParts.addAll(List.of(parts));
        }
        return this;
    }

    /**
     * One declared part is done with the entry; the last one acknowledges it (see {@link #ack()}, which may throw).
     * Idempotent per part, thread-safe. A part that failed calls {@link #release()} instead.
     */
    public void done(String part) {
        if (completePart(part)) {
            ack();
        }
    }

    /**
     * {@link #done(String)} for many entries: those whose last part this was are acknowledged with one command.
     *
     * @return the entries this call acknowledged (e.g. to measure their end-to-end latency once)
     */
    public static List<RedisEntry> doneAll(Collection<RedisEntry> entries, String part) {
        List<RedisEntry> complete = new ArrayList<>();
        for (RedisEntry entry : entries) {
            if (entry.completePart(part)) {
                complete.add(entry);
            }
        }
        return ackAll(complete);
    }

    /** The parts declared with {@link #ackAfter(String...)} that are not done yet. */
    public Set<String> getOutstandingParts() {
        synchronized (outstandingParts) {
            return Set.copyOf(outstandingParts);
        }
    }

    /**
     * True when no part is outstanding any more (and the entry is not acknowledged yet): reporting a part again after a
     * failed acknowledgement retries it.
     */
    private boolean completePart(String part) {
        synchronized (outstandingParts) {
            if (!partsDeclared) {
                throw new IllegalStateException("done(\"" + part + "\") on " + this + " without ackAfter(...) first");
            }
            outstandingParts.remove(part);
            return outstandingParts.isEmpty() && !isAcknowledged();
        }
    }

    /**
     * Acknowledges many entries with one Redis command per source (e.g. an aggregated group of entries).
     *
     * @return the entries this call acknowledged: not those acknowledged before, or by another thread meanwhile
     */
    public static List<RedisEntry> ackAll(Collection<RedisEntry> entries) {
        List<RedisEntry> acknowledgedNow = new ArrayList<>();
        for (Map.Entry<RedisQueue, List<RedisEntry>> perQueue : byQueue(entries).entrySet()) {
            RedisQueue queue = perQueue.getKey();
            List<RedisEntry> mine = new ArrayList<>();
            for (RedisEntry entry : perQueue.getValue()) {
                if (entry.beginAck(queue.canAckAfterRelease())) {
                    mine.add(entry);
                }
            }
            if (mine.isEmpty()) {
                continue;
            }
            boolean acknowledged = false;
            try {
                queue.acknowledge(mine);
                acknowledged = true;
                acknowledgedNow.addAll(mine);
            } finally {
                for (RedisEntry entry : mine) {
                    entry.endAck(acknowledged);
                }
            }
        }
        return acknowledgedNow;
    }

    /** Releases many entries at once; see {@link #release()}. */
    public static void releaseAll(Collection<RedisEntry> entries) {
        releaseAll(entries, true);
    }

    /**
     * Releases entries after a failure, telling why: a failure whose exception (or a cause) is an outage (see the
     * endpoint's outageExceptions: a server down or unreachable) does not count towards maxDeliveries and pauses the
     * source (circuit breaker); any other failure counts as the records' fault. Use it rather than
     * {@link #releaseAll(Collection)} wherever the failure is known, e.g. a sink that failed after its retries.
     */
    public static void releaseAll(Collection<RedisEntry> entries, Throwable cause) {
        for (Map.Entry<RedisQueue, List<RedisEntry>> perQueue : byQueue(entries).entrySet()) {
            var observer = perQueue.getKey().failureObserver;
            boolean recordsFault = observer == null || observer.test(perQueue.getValue().get(0), cause);
            releaseAll(perQueue.getValue(), recordsFault);
        }
    }

    /** {@code failed}: the release counts as a failed delivery (list mode; Redis counts stream deliveries itself). */
    static void releaseAll(Collection<RedisEntry> entries, boolean failed) {
        for (Map.Entry<RedisQueue, List<RedisEntry>> perQueue : byQueue(entries).entrySet()) {
            List<RedisEntry> released = new ArrayList<>();
            for (RedisEntry entry : perQueue.getValue()) {
                if (entry.beginRelease()) {
                    released.add(entry);
                }
            }
            if (released.isEmpty()) {
                continue;
            }
            try {
                perQueue.getKey().release(released, failed);
            } finally {
                released.forEach(RedisEntry::settle);
            }
        }
    }

    private static Map<RedisQueue, List<RedisEntry>> byQueue(Collection<RedisEntry> entries) {
        Map<RedisQueue, List<RedisEntry>> grouped = new LinkedHashMap<>();
        for (RedisEntry entry : entries) {
            grouped.computeIfAbsent(entry.queue, q -> new ArrayList<>()).add(entry);
        }
        return grouped;
    }

    /** Takes the acknowledgement over; false when there is nothing to do. Waits while another thread acknowledges. */
    private boolean beginAck(boolean afterReleaseAllowed) {
        while (true) {
            int current = state.get();
            if (current == ACKED || (current == RELEASED && !afterReleaseAllowed)) {
                return false;
            }
            if (current == ACKING) {
                awaitNotAcking();
            } else if (state.compareAndSet(current, ACKING)) {
                stateBeforeAck = current;
                return true;
            }
        }
    }

    private void endAck(boolean acknowledged) {
        state.set(acknowledged ? ACKED : stateBeforeAck);
        synchronized (this) {
            notifyAll();
        }
        if (acknowledged) {
            settle();
        }
    }

    private boolean beginRelease() {
        while (true) {
            int current = state.get();
            if (current == ACKING) {
                awaitNotAcking();
            } else {
                return current == PENDING && state.compareAndSet(PENDING, RELEASED);
            }
        }
    }

    private synchronized void awaitNotAcking() {
        boolean interrupted = false;
        while (state.get() == ACKING) {
            try {
                wait(100);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** The entry stops counting as in flight (once). */
    private void settle() {
        InflightBatch owner = batch;
        if (owner != null && settled.compareAndSet(false, true)) {
            owner.settled(this);
        }
    }

    void attach(InflightBatch owner) {
        this.batch = owner;
    }

    byte[] rawValue() {
        return rawValue;
    }

    boolean isSettled() {
        return settled.get();
    }

    @Override
    public String toString() {
        return id != null ? key + "/" + id : key + "[" + (value.length() > 40 ? value.substring(0, 40) + "…" : value) + "]";
    }
}
