package io.dataflux.component.redis;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a redis-source consumer counts. Counters only grow; pending and lag are refreshed by housekeeping (-1 until known
 * or when Redis does not report them).
 */
public final class RedisSourceMetrics {

    private final LongAdder read = new LongAdder();
    private final LongAdder acknowledged = new LongAdder();
    private final LongAdder claimed = new LongAdder();
    private final LongAdder deadLettered = new LongAdder();
    private final LongAdder released = new LongAdder();
    private final AtomicInteger inflightBatches = new AtomicInteger();
    private final AtomicLong pending = new AtomicLong(-1);
    private final AtomicLong lag = new AtomicLong(-1);

    /** Entries delivered to the route (new, recovered and claimed). */
    public long read() {
        return read.sum();
    }

    /** Entries acknowledged (XACK or LREM), dead-lettered ones excluded. */
    public long acknowledged() {
        return acknowledged.sum();
    }

    /** Entries taken over from idle consumers (XAUTOCLAIM in stream mode; reaped items in list mode). */
    public long claimed() {
        return claimed.sum();
    }

    /** Entries sent to the dead letter (and acknowledged). */
    public long deadLettered() {
        return deadLettered.sum();
    }

    /** Entries released without acknowledgement (failed exchanges, shutdown). */
    public long released() {
        return released.sum();
    }

    /** Batches read and not yet fully acknowledged or released. */
    public int inflightBatches() {
        return inflightBatches.get();
    }

    /** Stream: entries pending in the group (XPENDING); list: items in this consumer's processing list. */
    public long pending() {
        return pending.get();
    }

    /** Stream: entries not yet delivered to the group (XINFO GROUPS lag); list: the list's length. */
    public long lag() {
        return lag.get();
    }

    public Map<String, Object> asMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("entries.read", read());
        map.put("entries.acknowledged", acknowledged());
        map.put("entries.claimed", claimed());
        map.put("entries.dead-lettered", deadLettered());
        map.put("entries.released", released());
        map.put("batches.inflight", inflightBatches());
        map.put("pending", pending());
        map.put("lag", lag());
        return map;
    }

    void addRead(long n) {
        read.add(n);
    }

    void addAcknowledged(long n) {
        acknowledged.add(n);
    }

    void addClaimed(long n) {
        claimed.add(n);
    }

    void addDeadLettered(long n) {
        deadLettered.add(n);
    }

    void addReleased(long n) {
        released.add(n);
    }

    AtomicInteger inflightBatchCounter() {
        return inflightBatches;
    }

    void pending(long value) {
        pending.set(value);
    }

    void lag(long value) {
        lag.set(value);
    }
}
