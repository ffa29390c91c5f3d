package io.dataflux.pipeline;

import java.util.ArrayList;
import java.util.List;

import io.dataflux.component.redis.RedisEntry;

/** Acknowledges, in one Redis command, the entries whose deliveries have just completed. */
final class Acknowledgements {

    private Acknowledgements() {
    }

    static void acknowledge(List<Delivery> completed) {
        List<RedisEntry> entries = new ArrayList<>(completed.size());
        for (Delivery delivery : completed) {
            if (delivery.handle() instanceof RedisEntry entry) {
                entries.add(entry);
            }
        }
        if (!entries.isEmpty()) {
            RedisEntry.ackAll(entries);
        }
    }

    /** Gives the entries back to Redis for another delivery (the archive could not take them). */
    static void release(List<Delivery> deliveries) {
        List<RedisEntry> entries = new ArrayList<>(deliveries.size());
        for (Delivery delivery : deliveries) {
            if (delivery.handle() instanceof RedisEntry entry) {
                entries.add(entry);
            }
        }
        if (!entries.isEmpty()) {
            RedisEntry.releaseAll(entries);
        }
    }
}
