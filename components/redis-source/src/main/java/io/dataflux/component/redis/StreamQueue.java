package io.dataflux.component.redis;

import static io.dataflux.component.redis.StreamScripts.ACK;
import static io.dataflux.component.redis.StreamScripts.COUNT_FAILURE;
import static io.dataflux.component.redis.StreamScripts.FORGET_IDLE_CONSUMERS;
import static io.dataflux.component.redis.StreamScripts.READ;

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

    private final Consumer consumer;
    private final byte[] deadLetterKey;
    private final byte[] failures;
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
        this.failures = bytes(failuresKey(config.getKey()));
    }

    /** The record-caused failures per pending entry id, beside the stream. */
    static String failuresKey(String key) {
        return key + ":failures";
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
            // reads go through a script and may not reach XREADGROUP: the member is registered here
            connection.execute("XGROUP", bytes("CREATECONSUMER"), key, bytes(config.getGroup()), bytes(consumerName));
            return null;
        });
    }

    @Override
    List<RawEntry> recoverOwn(int max) {
        ReadReply reply = readScript("own", max, config.getBatchMaxBytes(), recoveredUpTo, false);
        recoveredUpTo = reply.cursor();
        if (reply.entries().isEmpty() && !reply.complete()) {
            return recoverOwn(max); // a page of entries deleted while pending: go on
        }
        return reply.entries();
    }

    /**
     * New entries within the byte budget. When there are none, waits up to blockTimeout with XREADGROUP COUNT 1
     * BLOCK (a script cannot block), which takes one entry whole, then fills the batch within the rest of the budget.
     */
    @Override
    List<RawEntry> read(int max) {
        ReadReply reply = readScript("new", max, config.getBatchMaxBytes(), FIRST_ID, false);
        if (!reply.entries().isEmpty()) {
            return reply.entries();
        }
        List<ByteRecord> records = withConnection(connection -> connection.streamCommands().xReadGroup(consumer,
                StreamReadOptions.empty().count(1).block(Duration.ofMillis(config.getBlockTimeout())),
                StreamOffset.create(key, ReadOffset.lastConsumed())));
        if (records == null || records.isEmpty()) {
            return List.of();
        }
        ByteRecord record = records.get(0);
        RawEntry first = measured(record.getId().getValue(), record.getValue());
        if (first.oversized() || max == 1) {
            return List.of(first);
        }
        long total = entryBytes(record.getValue());
        List<RawEntry> batch = new ArrayList<>();
        batch.add(first);
        if (total < config.getBatchMaxBytes()) {
            batch.addAll(readScript("new", max - 1, config.getBatchMaxBytes() - total, FIRST_ID, true).entries());
        }
        return batch;
    }

    /** An entry read whole (by the blocking read): its size as recordMaxBytes measures it, oversized or not. */
    private RawEntry measured(String id, Map<byte[], byte[]> fields) {
        long size = entryBytes(fields);
        if (config.getPayloadField() != null && !config.getPayloadField().isEmpty()) {
            for (Map.Entry<byte[], byte[]> field : fields.entrySet()) {
                if (config.getPayloadField().equals(string(field.getKey()))) {
                    size = field.getValue().length;
                }
            }
        }
        boolean oversized = config.getRecordMaxBytes() > 0 && size > config.getRecordMaxBytes();
        return new RawEntry(id, fields, null, 1, 0, size, oversized, null);
    }

    private static long entryBytes(Map<byte[], byte[]> fields) {
        long total = 0;
        for (Map.Entry<byte[], byte[]> field : fields.entrySet()) {
            total += field.getKey().length + field.getValue().length;
        }
        return total;
    }

    /** The whole entry, read alone (an oversized entry, to dead-letter it with its bytes); null if deleted meanwhile. */
    @Override
    Map<byte[], byte[]> readAlone(String id) {
        List<ByteRecord> records = withConnection(connection -> connection.streamCommands().xRange(key,
                Range.closed(id, id)));
        return records == null || records.isEmpty() ? null : records.get(0).getValue();
    }

    private record ReadReply(String cursor, boolean complete, List<RawEntry> entries) {
    }

    private ReadReply readScript(String what, int max, long budget, String cursor, boolean started) {
        return readScript(what, max, budget, cursor, started, List.of());
    }

    private ReadReply readScript(String what, int max, long budget, String cursor, boolean started,
                                 Collection<String> inflightIds) {
        String payloadField = config.getPayloadField() == null ? "" : config.getPayloadField();
        List<byte[]> keysAndArgs = new ArrayList<>(List.of(key, failures, bytes(config.getGroup()), bytes(consumerName),
                bytes(what), bytes(Integer.toString(max)), bytes(Long.toString(Math.max(0, budget))),
                bytes(Long.toString(Math.max(0, config.getRecordMaxBytes()))), bytes(payloadField), bytes(cursor),
                bytes(Long.toString(config.getMinIdleTime())), bytes(Long.toString(config.getDeadLetterMaxBytes())),
                bytes(started ? "1" : "0")));
        inflightIds.forEach(id -> keysAndArgs.add(bytes(id)));
        byte[][] array = keysAndArgs.toArray(new byte[0][]);
        List<?> reply = withConnection(connection -> evalCached(connection, READ, ReturnType.MULTI, 2, array));
        String next = string((byte[]) reply.get(0));
        boolean complete = ((Number) reply.get(1)).longValue() == 1;
        List<RawEntry> entries = new ArrayList<>(reply.size() - 2);
        List<String> unread = new ArrayList<>();
        for (int i = 2; i < reply.size(); i++) {
            List<?> entry = (List<?>) reply.get(i);
            String id = string((byte[]) entry.get(0));
            // {} when oversized, the fields, or 0 when the script left them for one XRANGE of the batch
            boolean oversized = false;
            Map<byte[], byte[]> fields = null;
            if (!(entry.get(4) instanceof List<?> flat)) {
                unread.add(id);
            } else if (flat.isEmpty()) {
                oversized = true;
            } else {
                fields = flatToMap(flat);
            }
            String digest = string((byte[]) entry.get(5));
            entries.add(new RawEntry(id, fields, null, ((Number) entry.get(1)).longValue(),
                    ((Number) entry.get(2)).longValue(), ((Number) entry.get(3)).longValue(), oversized,
                    digest.isEmpty() ? null : digest));
        }
        return new ReadReply(next, complete, unread.isEmpty() ? entries : withFields(entries, unread));
    }

    /**
     * The new entries the script took without returning their fields, read with one XRANGE: they are consecutive in
     * the stream, so the range holds them only (an entry deleted meanwhile is missing: no fields, as if deleted while
     * pending).
     */
    private List<RawEntry> withFields(List<RawEntry> entries, List<String> unread) {
        // the raw reply: the fields in stream order (Spring's records hold them in a HashMap)
        Object reply = withConnection(connection -> connection.execute("XRANGE", key, bytes(unread.get(0)),
                bytes(unread.get(unread.size() - 1)), bytes("COUNT"), bytes(Integer.toString(unread.size()))));
        Map<String, Map<byte[], byte[]>> byId = new HashMap<>();
        if (reply instanceof List<?> records) {
            for (Object record : records) {
                List<?> idAndFields = (List<?>) record;
                byId.put(string((byte[]) idAndFields.get(0)), flatToMap((List<?>) idAndFields.get(1)));
            }
        }
        List<RawEntry> read = new ArrayList<>(entries.size());
        for (RawEntry entry : entries) {
            read.add(entry.fields() == null && !entry.oversized() ? entry.withFields(byId.get(entry.id())) : entry);
        }
        return read;
    }

    /** One page of the group's entries idle for minIdleTime, taken over within the byte budget. */
    @Override
    List<RawEntry> claim(int max, Collection<String> inflightIds) {
        ReadReply reply = readScript("claim", max, config.getBatchMaxBytes(), claimCursor, false, List.copyOf(inflightIds));
        claimCycleComplete = reply.complete();
        claimCursor = claimCycleComplete ? FIRST_ID : reply.cursor();
        List<RawEntry> claimed = reply.entries().stream().filter(entry -> !inflightIds.contains(entry.id())).toList();
        metrics.addClaimed(claimed.size());
        return claimed;
    }

    @Override
    boolean claimCycleComplete() {
        return claimCycleComplete;
    }

    @Override
    void acknowledge(List<RedisEntry> entries) {
        acknowledgeIds(entries.stream().map(RedisEntry::getId).toList());
        metrics.addAcknowledged(entries.size());
    }

    @Override
    void acknowledgeRaw(List<RawEntry> entries) {
        acknowledgeIds(entries.stream().map(RawEntry::id).toList());
    }

    private void acknowledgeIds(List<String> ids) {
        byte[][] keysAndArgs = new byte[ids.size() + 3][];
        keysAndArgs[0] = key;
        keysAndArgs[1] = failures;
        keysAndArgs[2] = bytes(config.getGroup());
        for (int i = 0; i < ids.size(); i++) {
            keysAndArgs[i + 3] = bytes(ids.get(i));
        }
        withConnection(connection -> evalCached(connection, ACK, ReturnType.INTEGER, 2, keysAndArgs));
    }

    /**
     * A released stream entry simply stays pending: it is claimed again after minIdleTime. A failure the records
     * caused ({@code failed}) is counted in the failures hash, for maxDeliveries; Redis's own delivery count also rises
     * when a server was down, so it is not used for poison.
     */
    @Override
    void release(List<RedisEntry> entries, boolean failed) {
        if (failed) {
            byte[][] keysAndArgs = new byte[entries.size() + 1][];
            keysAndArgs[0] = failures;
            for (int i = 0; i < entries.size(); i++) {
                keysAndArgs[i + 1] = bytes(entries.get(i).getId());
            }
            withConnection(connection -> connection.scriptingCommands().eval(COUNT_FAILURE, ReturnType.INTEGER, 1,
                    keysAndArgs));
        }
        metrics.addReleased(entries.size());
    }

    @Override
    boolean canAckAfterRelease() {
        return true;
    }

    @Override
    void writeDeadLetter(RawEntry entry, String reason) {
        Map<byte[], byte[]> fields = new LinkedHashMap<>();
        DeadLetterPayload payload = DeadLetterPayload.of(entry, config);
        if (payload.sha1() != null) {
            // too large to be copied again: its length and digest only
            fields.put(bytes(RedisSourceConstants.DEAD_LETTER_LENGTH_FIELD), bytes(Long.toString(payload.length())));
            fields.put(bytes(RedisSourceConstants.DEAD_LETTER_SHA1_FIELD), bytes(payload.sha1()));
        } else if (entry.fields() != null) {
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

    private static Map<byte[], byte[]> flatToMap(List<?> flat) {
        Map<byte[], byte[]> map = new LinkedHashMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            map.put((byte[]) flat.get(i), (byte[]) flat.get(i + 1));
        }
        return map;
    }
}
