package io.dataflux.component.redis;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** A batch read from Redis; it holds one in-flight slot until every one of its entries is acknowledged or released. */
final class InflightBatch {

    private final List<RedisEntry> entries;
    private final AtomicInteger unsettled;
    private final Consumer<InflightBatch> onSettled;
    private final Consumer<RedisEntry> onEntrySettled;

    InflightBatch(List<RedisEntry> entries, Consumer<RedisEntry> onEntrySettled, Consumer<InflightBatch> onSettled) {
        this.entries = List.copyOf(entries);
        this.unsettled = new AtomicInteger(entries.size());
        this.onSettled = onSettled;
        this.onEntrySettled = onEntrySettled;
        entries.forEach(entry -> entry.attach(this));
    }

    List<RedisEntry> entries() {
        return entries;
    }

    void settled(RedisEntry entry) {
        onEntrySettled.accept(entry);
        if (unsettled.decrementAndGet() == 0) {
            onSettled.accept(this);
        }
    }

    /** The entries still in flight. */
    List<RedisEntry> unsettledEntries() {
        return entries.stream().filter(entry -> !entry.isSettled()).toList();
    }
}
