package io.dataflux.component.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.springframework.dao.DataAccessException;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisStreamCommands.XClaimOptions;
import org.springframework.data.redis.connection.ReturnType;
import org.springframework.data.redis.connection.stream.ByteRecord;
import org.springframework.data.redis.connection.stream.Consumer;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.connection.stream.PendingMessage;
import org.springframework.data.redis.connection.stream.PendingMessages;
import org.springframework.data.redis.connection.stream.PendingMessagesSummary;
import org.springframework.data.redis.connection.stream.ReadOffset;
import org.springframework.data.redis.connection.stream.StreamOffset;
import org.springframework.data.redis.connection.stream.StreamReadOptions;

/** Stream mode: a consumer group read with XREADGROUP, acknowledged with XACK, idle entries taken with XAUTOCLAIM. */
final class StreamQueue extends RedisQueue {

    private static final String FIRST_ID = "0-0";
    /** KEYS[1] stream; ARGV: group, this consumer, idle threshold in ms. */
    private static final byte[] FORGET_IDLE_CONSUMERS = bytes("""
            local forgotten = 0
            for _, consumer in ipairs(redis.call('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])) do
              local info = {}
              for i = 1, #consumer, 2 do info[consumer[i]] = consumer[i + 1] end
              if info['name'] ~= ARGV[2] and info['pending'] == 0 and info['idle'] > tonumber(ARGV[3]) then
                redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], info['name'])
                forgotten = forgotten + 1
              end
            end
            return forgotten""");

    private final Consumer consumer;
    private final byte[] deadLetterKey;
    /** Where the recovery of this consumer's own pending entries has got to. */
    private String recoveredUpTo = FIRST_ID;
    private String claimCursor = FIRST_ID;
    private boolean claimCycleComplete = true;
    private long lastTrim;
    private long lastConsumerCleanup;

    StreamQueue(RedisSourceConfiguration config, RedisConnectionFactory connections, String consumerName,
                RedisSourceMetrics metrics) {
        super(config, connections, consumerName, metrics);
        this.consumer = Consumer.from(config.getGroup(), consumerName);
        this.deadLetterKey = bytes(config.resolvedDeadLetterKey());
    }

    @Override
    void prepare() {
        withConnection(connection -> {
            try {
                connection.streamCommands().xGroupCreate(key, config.getGroup(), ReadOffset.from(config.getStartId()), true);
            } catch (DataAccessException e) {
                if (!RedisErrors.isBusyGroup(e)) {
                    throw e;
                }
            }
            return null;
        });
    }

    @Override
    List<RawEntry> recoverOwn(int max) {
        List<ByteRecord> records = withConnection(connection -> connection.streamCommands().xReadGroup(consumer,
                StreamReadOptions.empty().count(max), StreamOffset.create(key, ReadOffset.from(recoveredUpTo))));
        if (records == null || records.isEmpty()) {
            return List.of();
        }
        recoveredUpTo = records.get(records.size() - 1).getId().getValue();
        return withDeliveryCounts(records.stream().map(r -> RawEntry.streamEntry(r.getId().getValue(), r.getValue(), 0)).toList());
    }

    @Override
    List<RawEntry> read(int max) {
        List<ByteRecord> records = withConnection(connection -> connection.streamCommands().xReadGroup(consumer,
                StreamReadOptions.empty().count(max).block(Duration.ofMillis(config.getBlockTimeout())),
                StreamOffset.create(key, ReadOffset.lastConsumed())));
        if (records == null) {
            return List.of();
        }
        return records.stream().map(r -> RawEntry.streamEntry(r.getId().getValue(), r.getValue(), 1)).toList();
    }

    /** One XAUTOCLAIM page; entries this consumer still has in flight are left alone (XAUTOCLAIM just refreshed them). */
    @Override
    List<RawEntry> claim(int max, Collection<String> inflightIds) {
        Object reply = withConnection(connection -> connection.execute("XAUTOCLAIM", key, bytes(config.getGroup()),
                bytes(consumerName), bytes(Long.toString(config.getMinIdleTime())), bytes(claimCursor),
                bytes("COUNT"), bytes(Integer.toString(max))));
        List<?> parts = (List<?>) reply;
        claimCursor = string((byte[]) parts.get(0));
        claimCycleComplete = FIRST_ID.equals(claimCursor);
        List<RawEntry> claimed = new ArrayList<>();
        for (Object item : (List<?>) parts.get(1)) {
            if (item == null) {
                continue; // Redis 6.2 reports an entry deleted while pending as nil, without its id
            }
            List<?> entry = (List<?>) item;
            String id = string((byte[]) entry.get(0));
            if (inflightIds.contains(id)) {
                continue;
            }
            claimed.add(RawEntry.streamEntry(id, entry.get(1) == null ? null : flatToMap((List<?>) entry.get(1)), 0));
        }
        metrics.addClaimed(claimed.size());
        return withDeliveryCounts(claimed);
    }

    @Override
    boolean claimCycleComplete() {
        return claimCycleComplete;
    }

    @Override
    void acknowledge(List<RedisEntry> entries) {
        String[] ids = entries.stream().map(RedisEntry::getId).toArray(String[]::new);
        withConnection(connection -> connection.streamCommands().xAck(key, config.getGroup(), ids));
        metrics.addAcknowledged(ids.length);
    }

    @Override
    void acknowledgeRaw(List<RawEntry> entries) {
        String[] ids = entries.stream().map(RawEntry::id).toArray(String[]::new);
        withConnection(connection -> connection.streamCommands().xAck(key, config.getGroup(), ids));
    }

    /**
     * A released stream entry simply stays pending: XAUTOCLAIM hands it out again after minIdleTime, and Redis counts
     * its deliveries.
     */
    @Override
    void release(List<RedisEntry> entries, boolean failed) {
        metrics.addReleased(entries.size());
    }

    @Override
    boolean canAckAfterRelease() {
        return true;
    }

    @Override
    void writeDeadLetter(RawEntry entry, String reason) {
        Map<byte[], byte[]> fields = new LinkedHashMap<>();
        if (entry.fields() != null) {
            fields.putAll(entry.fields());
        }
        fields.put(bytes(RedisSourceConstants.DEAD_LETTER_REASON_FIELD), bytes(reason));
        fields.put(bytes(RedisSourceConstants.DEAD_LETTER_DELIVERIES_FIELD), bytes(Long.toString(entry.deliveryCount())));
        fields.put(bytes(RedisSourceConstants.DEAD_LETTER_SOURCE_FIELD), key);
        fields.put(bytes(RedisSourceConstants.DEAD_LETTER_SOURCE_ID_FIELD), bytes(entry.id()));
        withConnection(connection -> connection.streamCommands().xAdd(MapRecord.create(deadLetterKey, fields)));
    }

    @Override
    long housekeepingInterval() {
        return Math.max(100, Math.min(Math.min(10_000, config.getClaimInterval()), config.getMinIdleTime() / 3));
    }

    @Override
    void housekeeping(Collection<RedisEntry> inflight) {
        if (config.isKeepAlive()) {
            keepAlive(inflight);
        }
        refreshStatistics();
        trimIfDue();
        forgetIdleConsumersIfDue();
    }

    /**
     * Deletes the group's consumers that have nothing pending and have been idle for consumerCleanupIdleTime (e.g.
     * the names of replaced pods). Check and delete are one script: a consumer that just received entries stays.
     */
    private void forgetIdleConsumersIfDue() {
        long now = System.currentTimeMillis();
        if (config.getConsumerCleanupIdleTime() <= 0 || now - lastConsumerCleanup < config.getClaimInterval()) {
            return;
        }
        lastConsumerCleanup = now;
        Long forgotten = withConnection(connection -> connection.scriptingCommands().eval(FORGET_IDLE_CONSUMERS,
                ReturnType.INTEGER, 1, key, bytes(config.getGroup()), bytes(consumerName),
                bytes(Long.toString(config.getConsumerCleanupIdleTime()))));
        if (forgotten != null && forgotten > 0) {
            RedisSourceConsumer.LOG.info("Forgot {} idle consumer(s) with nothing pending in group {} of {}", forgotten,
                    config.getGroup(), config.getKey());
        }
    }

    /** Resets the idle time of the entries still in flight here, so other consumers do not claim them. */
    private void keepAlive(Collection<RedisEntry> inflight) {
        List<String> ids = inflight.stream().map(RedisEntry::getId).toList();
        if (ids.isEmpty()) {
            return;
        }
        withConnection(connection -> connection.streamCommands().xClaimJustId(key, config.getGroup(), consumerName,
                XClaimOptions.minIdleMs(0).ids(ids)));
    }

    private void refreshStatistics() {
        withConnection(connection -> {
            PendingMessagesSummary summary = connection.streamCommands().xPending(key, config.getGroup());
            metrics.pending(summary == null ? 0 : summary.getTotalPendingMessages());
            Map<String, Object> group = groupInfo(connection.execute("XINFO", bytes("GROUPS"), key));
            Object lag = group.get("lag");
            metrics.lag(lag instanceof Long value ? value : -1);
            return null;
        });
    }

    private void trimIfDue() {
        String strategy = config.getTrim() == null ? "NONE" : config.getTrim().toUpperCase(Locale.ROOT);
        long now = System.currentTimeMillis();
        if ("NONE".equals(strategy) || now - lastTrim < config.getClaimInterval()) {
            return;
        }
        lastTrim = now;
        withConnection(connection -> {
            if ("MAXLEN".equals(strategy)) {
                connection.execute("XTRIM", key, bytes("MAXLEN"), bytes("~"), bytes(Long.toString(config.getTrimMaxLen())));
            } else if ("ACKED".equals(strategy)) {
                PendingMessagesSummary summary = connection.streamCommands().xPending(key, config.getGroup());
                String keepFrom = summary != null && summary.getTotalPendingMessages() > 0
                        ? summary.minMessageId()
                        : (String) groupInfo(connection.execute("XINFO", bytes("GROUPS"), key)).get("last-delivered-id");
                if (keepFrom != null && !FIRST_ID.equals(keepFrom)) {
                    connection.execute("XTRIM", key, bytes("MINID"), bytes("~"), bytes(keepFrom));
                }
            } else {
                throw new IllegalArgumentException("trim must be NONE, MAXLEN or ACKED, not " + config.getTrim());
            }
            return null;
        });
    }

    /** This consumer's group from an XINFO GROUPS reply, its byte values as strings. */
    private Map<String, Object> groupInfo(Object reply) {
        if (reply instanceof List<?> groups) {
            for (Object group : groups) {
                Map<String, Object> info = new HashMap<>();
                List<?> flat = (List<?>) group;
                for (int i = 0; i + 1 < flat.size(); i += 2) {
                    Object value = flat.get(i + 1);
                    info.put(string((byte[]) flat.get(i)), value instanceof byte[] b ? string(b) : value);
                }
                if (config.getGroup().equals(info.get("name"))) {
                    return info;
                }
            }
        }
        return Map.of();
    }

    /** Delivery counts from XPENDING for entries delivered before (recovered or claimed). */
    private List<RawEntry> withDeliveryCounts(List<RawEntry> entries) {
        if (entries.isEmpty()) {
            return entries;
        }
        String first = entries.get(0).id();
        String last = entries.get(entries.size() - 1).id();
        PendingMessages pending = withConnection(connection -> connection.streamCommands().xPending(key,
                config.getGroup(), consumerName, Range.closed(first, last), (long) entries.size() * 4 + 100));
        Map<String, Long> counts = new HashMap<>();
        if (pending != null) {
            for (PendingMessage message : pending) {
                counts.put(message.getIdAsString(), message.getTotalDeliveryCount());
            }
        }
        return entries.stream()
                .map(e -> RawEntry.streamEntry(e.id(), e.fields(), counts.getOrDefault(e.id(), 1L)))
                .toList();
    }

    private static Map<byte[], byte[]> flatToMap(List<?> flat) {
        Map<byte[], byte[]> map = new LinkedHashMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            map.put((byte[]) flat.get(i), (byte[]) flat.get(i + 1));
        }
        return map;
    }
}
