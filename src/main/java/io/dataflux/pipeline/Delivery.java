package io.dataflux.pipeline;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where one Redis entry stands on its way to the sinks. It may be acknowledged only when both parts are done: the
 * synchronous sinks (MySQL committed and Kafka acknowledged, or the record dead-lettered) and the archive (its HDFS
 * aggregate hsync'd, or nothing to archive). The two parts complete on different threads, in either order; whichever
 * completes last reports it, exactly once.
 */
public final class Delivery {

    private final Object handle;
    private final AtomicInteger partsLeft = new AtomicInteger(2);

    /** @param handle what the source needs to acknowledge the entry (a RedisEntry); null where nothing is acknowledged */
    public Delivery(Object handle) {
        this.handle = handle;
    }

    public Object handle() {
        return handle;
    }

    /** MySQL and Kafka have the record (or it went to the dead letter); true if that completes the delivery. */
    public boolean sinksDone() {
        return partDone();
    }

    /** The archive has the record hsync'd (or will never get it); true if that completes the delivery. */
    public boolean archived() {
        return partDone();
    }

    public boolean isComplete() {
        return partsLeft.get() == 0;
    }

    private boolean partDone() {
        int left = partsLeft.decrementAndGet();
        if (left < 0) {
            throw new IllegalStateException("a part of this delivery was reported done twice");
        }
        return left == 0;
    }
}
