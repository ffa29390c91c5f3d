package io.dataflux.component.redis;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisListCommands.Direction;
import org.springframework.data.redis.connection.RedisStringCommands.SetOption;
import org.springframework.data.redis.connection.ReturnType;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.core.types.Expiration;

/**
 * List mode: a list used as a reliable queue. Items move atomically into this consumer's processing list
 * ({@code key:processing:<consumer>}), leave it when acknowledged, and go back to the list when released. Each consumer
 * keeps {@code key:heartbeat:<consumer>} alive and is registered in {@code key:consumers}; the reaper returns the
 * processing list of a registered consumer whose heartbeat expired.
 */
final class ListQueue extends RedisQueue {

    /**
     * Moves up to ARGV[1] items from the list's ARGV[2] end to the processing list (after ARGV[4], already moved by
     * BLMOVE, when ARGV[3] is '1'): a batch in one round trip, within ARGV[5] bytes. An item larger than ARGV[6] bytes
     * (the record limit, 0: none), or one that would overflow the budget, is left at the head of the list: the next
     * batch takes it alone. Returns item, failed deliveries, item, ...
     */
    private static final byte[] MOVE_BATCH = bytes("""
            local out = {}
            local counted = redis.call('EXISTS', KEYS[3]) == 1
            local budget, recordMax = tonumber(ARGV[5]), tonumber(ARGV[6])
            local head = -1
            if ARGV[2] == 'LEFT' then head = 0 end
            local function add(item)
              out[#out + 1] = item
              local failures = counted and redis.call('HGET', KEYS[3], redis.sha1hex(item))
              out[#out + 1] = failures and tonumber(failures) or 0
            end
            if ARGV[3] == '1' then add(ARGV[4]) end
            local used = 0
            for i = 1, tonumber(ARGV[1]) do
              local next = redis.call('LINDEX', KEYS[1], head)
              if not next then break end
              if (recordMax > 0 and #next > recordMax) or used + #next > budget then break end
              local item = redis.call('LMOVE', KEYS[1], KEYS[2], ARGV[2], 'LEFT')
              if not item then break end
              used = used + #item
              add(item)
            end
            return out""");
    /** Removes one copy of each item from the processing list, oldest end first, and forgets its failures. */
    private static final byte[] REMOVE = bytes("""
            local counted = redis.call('EXISTS', KEYS[2]) == 1
            local removed = 0
            for _, item in ipairs(ARGV) do
              removed = removed + redis.call('LREM', KEYS[1], -1, item)
              if counted then redis.call('HDEL', KEYS[2], redis.sha1hex(item)) end
            end
            return removed""");
    /**
     * Puts items back on the list (ARGV[1]: LPUSH or RPUSH), only those still in the processing list, counting a
     * failed delivery for each when ARGV[2] is 'failed'.
     */
    private static final byte[] RETURN = bytes("""
            local returned = 0
            for i = 3, #ARGV do
              if redis.call('LREM', KEYS[1], -1, ARGV[i]) == 1 then
                redis.call(ARGV[1], KEYS[2], ARGV[i])
                if ARGV[2] == 'failed' then redis.call('HINCRBY', KEYS[3], redis.sha1hex(ARGV[i]), 1) end
                returned = returned + 1
              end
            end
            return returned""");
    /**
     * Returns a processing list to the list, unless its owner's heartbeat is alive (ARGV[3] = 'self': this consumer's
     * own leftovers at start). Items go to the end consumed next (ARGV[2]); each counts as a failed delivery, since
     * the consumer may have died of it.
     */
    private static final byte[] REAP = bytes("""
            if ARGV[3] ~= 'self' and redis.call('EXISTS', KEYS[3]) == 1 then return -1 end
            local moved = 0
            while true do
              local item = redis.call('LMOVE', KEYS[1], KEYS[2], 'RIGHT', ARGV[2])
              if not item then break end
              redis.call('HINCRBY', KEYS[5], redis.sha1hex(item), 1)
              moved = moved + 1
            end
            if ARGV[3] ~= 'self' then redis.call('SREM', KEYS[4], ARGV[1]) end
            return moved""");
    private static final byte[] UNREGISTER = bytes("""
            redis.call('DEL', KEYS[2])
            if redis.call('LLEN', KEYS[1]) == 0 then redis.call('SREM', KEYS[3], ARGV[1]) end
            return 0""");

    private final byte[] processing;
    private final byte[] heartbeat;
    private final byte[] consumers;
    /** Failed deliveries per item (by SHA-1 of its value), for maxDeliveries: lists have no delivery count. */
    private final byte[] failures;
    private final byte[] deadLetterKey;
    private final Direction popFrom;
    /** Released items go to the far end: a failing item is retried after the others. */
    private final byte[] returnCommand;
    private boolean recovered;
    private long lastReap;

    ListQueue(RedisSourceConfiguration config, RedisConnectionFactory connections, String consumerName,
              RedisSourceMetrics metrics) {
        super(config, connections, consumerName, metrics);
        this.processing = bytes(processingKey(config.getKey(), consumerName));
        this.heartbeat = bytes(heartbeatKey(config.getKey(), consumerName));
        this.consumers = bytes(consumersKey(config.getKey()));
        this.failures = bytes(failuresKey(config.getKey()));
        this.deadLetterKey = bytes(config.resolvedDeadLetterKey());
        this.popFrom = Direction.valueOf(config.getPopFrom().toUpperCase(Locale.ROOT));
        this.returnCommand = bytes(popFrom == Direction.RIGHT ? "LPUSH" : "RPUSH");
    }

    static String processingKey(String key, String consumer) {
        return key + ":processing:" + consumer;
    }

    static String heartbeatKey(String key, String consumer) {
        return key + ":heartbeat:" + consumer;
    }

    static String consumersKey(String key) {
        return key + ":consumers";
    }

    static String failuresKey(String key) {
        return key + ":failures";
    }

    @Override
    void prepare() {
        withConnection(connection -> {
            connection.setCommands().sAdd(consumers, bytes(consumerName));
            beat(connection);
            return null;
        });
    }

    /** This consumer's leftovers go back to the list once, at start, and are read again like any item. */
    @Override
    List<RawEntry> recoverOwn(int max) {
        if (!recovered) {
            Long moved = withConnection(connection -> connection.scriptingCommands().eval(REAP, ReturnType.INTEGER, 5,
                    processing, key, heartbeat, consumers, failures, bytes(consumerName), bytes(popFrom.name()),
                    bytes("self")));
            recovered = true;
            if (moved != null && moved > 0) {
                metrics.addClaimed(moved);
            }
        }
        return List.of();
    }

    @Override
    List<RawEntry> read(int max) {
        byte[] first = withConnection(connection -> connection.listCommands().bLMove(key, processing, popFrom,
                Direction.LEFT, config.getBlockTimeout() / 1000.0));
        if (first == null) {
            return List.of();
        }
        if (max == 1 || (config.getRecordMaxBytes() > 0 && first.length > config.getRecordMaxBytes())
                || first.length >= config.getBatchMaxBytes()) {
            // alone in its batch: oversized (dead-lettered), or as large as the budget
            return List.of(RawEntry.listItem(first, 1 + failuresOf(first)));
        }
        List<?> moved;
        try {
            moved = withConnection(connection -> connection.scriptingCommands().eval(MOVE_BATCH, ReturnType.MULTI, 3,
                    key, processing, failures, bytes(Integer.toString(max - 1)), bytes(popFrom.name()), bytes("1"), first,
                    bytes(Long.toString(config.getBatchMaxBytes() - first.length)),
                    bytes(Long.toString(Math.max(0, config.getRecordMaxBytes())))));
        } catch (RuntimeException e) {
            returnUndelivered(first);
            throw e;
        }
        List<RawEntry> items = new ArrayList<>(moved.size() / 2);
        for (int i = 0; i + 1 < moved.size(); i += 2) {
            items.add(RawEntry.listItem((byte[]) moved.get(i), 1 + ((Number) moved.get(i + 1)).longValue()));
        }
        return items;
    }

    private long failuresOf(byte[] item) {
        byte[] count = withConnection(connection -> connection.hashCommands().hGet(failures, bytes(sha1Hex(item))));
        return count == null ? 0 : Long.parseLong(string(count));
    }

    private static String sha1Hex(byte[] item) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1").digest(item));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The first item of a batch whose rest could not be read goes back; if Redis is gone, a restart recovers it. */
    private void returnUndelivered(byte[] item) {
        try {
            withConnection(connection -> connection.scriptingCommands().eval(RETURN, ReturnType.INTEGER, 3, processing,
                    key, failures, returnCommand, bytes("stopped"), item));
        } catch (RuntimeException e) {
            RedisSourceConsumer.LOG.debug("could not return an item to {}: {}", config.getKey(), e.toString());
        }
    }

    @Override
    void acknowledge(List<RedisEntry> entries) {
        remove(entries.stream().map(RedisEntry::rawValue).toList());
        metrics.addAcknowledged(entries.size());
    }

    @Override
    void acknowledgeRaw(List<RawEntry> entries) {
        remove(entries.stream().map(RawEntry::item).toList());
    }

    private void remove(List<byte[]> items) {
        byte[][] keysAndArgs = new byte[items.size() + 2][];
        keysAndArgs[0] = processing;
        keysAndArgs[1] = failures;
        for (int i = 0; i < items.size(); i++) {
            keysAndArgs[i + 2] = items.get(i);
        }
        withConnection(connection -> connection.scriptingCommands().eval(REMOVE, ReturnType.INTEGER, 2, keysAndArgs));
    }

    @Override
    void release(List<RedisEntry> entries, boolean failed) {
        byte[][] keysAndArgs = new byte[entries.size() + 5][];
        keysAndArgs[0] = processing;
        keysAndArgs[1] = key;
        keysAndArgs[2] = failures;
        keysAndArgs[3] = returnCommand;
        keysAndArgs[4] = bytes(failed ? "failed" : "stopped");
        for (int i = 0; i < entries.size(); i++) {
            keysAndArgs[i + 5] = entries.get(i).rawValue();
        }
        withConnection(connection -> connection.scriptingCommands().eval(RETURN, ReturnType.INTEGER, 3, keysAndArgs));
        metrics.addReleased(entries.size());
    }

    /** A list item has no identity but its value: acknowledging it after release could remove another copy. */
    @Override
    boolean canAckAfterRelease() {
        return false;
    }

    @Override
    void writeDeadLetter(RawEntry entry, String reason) {
        Map<byte[], byte[]> fields = new LinkedHashMap<>();
        DeadLetterPayload payload = DeadLetterPayload.of(entry, config);
        if (payload.sha1() != null) {
            // too large to be copied again: its length and digest only
            fields.put(bytes(RedisSourceConstants.DEAD_LETTER_LENGTH_FIELD), bytes(Long.toString(payload.length())));
            fields.put(bytes(RedisSourceConstants.DEAD_LETTER_SHA1_FIELD), bytes(payload.sha1()));
        } else {
            fields.put(bytes(RedisSourceConstants.LIST_VALUE_FIELD), entry.item());
        }
        fields.put(bytes(RedisSourceConstants.DEAD_LETTER_REASON_FIELD), bytes(reason));
        fields.put(bytes(RedisSourceConstants.DEAD_LETTER_DELIVERIES_FIELD), bytes(Long.toString(entry.deliveryCount())));
        fields.put(bytes(RedisSourceConstants.DEAD_LETTER_SOURCE_FIELD), key);
        withConnection(connection -> connection.streamCommands().xAdd(MapRecord.create(deadLetterKey, fields)));
    }

    @Override
    long housekeepingInterval() {
        long interval = config.getReaperInterval() > 0
                ? Math.min(config.getHeartbeatTtl() / 3, config.getReaperInterval())
                : config.getHeartbeatTtl() / 3;
        return Math.max(100, interval);
    }

    @Override
    void housekeeping(Collection<RedisEntry> inflight) {
        withConnection(connection -> {
            connection.setCommands().sAdd(consumers, bytes(consumerName));
            beat(connection);
            metrics.pending(orZero(connection.listCommands().lLen(processing)));
            metrics.lag(orZero(connection.listCommands().lLen(key)));
            return null;
        });
        long now = System.currentTimeMillis();
        if (config.getReaperInterval() > 0 && now - lastReap >= config.getReaperInterval()) {
            lastReap = now;
            reap();
        }
    }

    /**
     * Returns the items of every registered consumer whose heartbeat expired; REAP re-checks the heartbeat atomically.
     *
     * @return the number of items returned to the list
     */
    long reap() {
        Set<byte[]> members = withConnection(connection -> connection.setCommands().sMembers(consumers));
        if (members == null) {
            return 0;
        }
        long total = 0;
        for (byte[] member : members) {
            String other = string(member);
            if (other.equals(consumerName)) {
                continue;
            }
            Long moved = withConnection(connection -> connection.scriptingCommands().eval(REAP, ReturnType.INTEGER, 5,
                    bytes(processingKey(config.getKey(), other)), key, bytes(heartbeatKey(config.getKey(), other)),
                    consumers, failures, member, bytes(popFrom.name()), bytes("reap")));
            if (moved != null && moved > 0) {
                metrics.addClaimed(moved);
                total += moved;
                RedisSourceConsumer.LOG.info("Returned {} item(s) of consumer {} (heartbeat expired) to list {}", moved,
                        other, config.getKey());
            }
        }
        return total;
    }

    @Override
    void close() {
        withConnection(connection -> connection.scriptingCommands().eval(UNREGISTER, ReturnType.INTEGER, 3, processing,
                heartbeat, consumers, bytes(consumerName)));
    }

    private void beat(RedisConnection connection) {
        connection.stringCommands().set(heartbeat, bytes("alive"), Expiration.milliseconds(config.getHeartbeatTtl()),
                SetOption.upsert());
    }

    private static long orZero(Long value) {
        return value == null ? 0 : value;
    }
}
