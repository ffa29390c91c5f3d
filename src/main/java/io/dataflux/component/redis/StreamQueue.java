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

    /**
     * Reads entries for this consumer one by one within a byte budget, as XREADGROUP would but bounded by bytes.
     * KEYS: stream, failures hash. ARGV: group, consumer, what ('new': undelivered entries, as XREADGROUP &gt;;
     * 'own': this consumer's pending entries; 'claim': the group's entries idle for ARGV[9] ms), most entries, byte
     * budget, record limit (0: none), payload field ('' : the whole entry), exclusive cursor id (own, claim), min
     * idle (claim), largest payload whose SHA-1 is not needed, '1' when the batch already holds an entry, then (claim)
     * the ids this consumer has in flight, which are left alone.
     * Each entry is measured (XRANGE) before it is taken (XREADGROUP COUNT 1, or XCLAIM JUSTID with the delivery
     * count raised as XREADGROUP does); an entry larger than the record limit is returned without its fields (id,
     * size, and the payload's SHA-1 when larger than ARGV[10]), always alone in its batch. An entry deleted while
     * pending is acknowledged. Returns cursor, complete (1: no more pending entries), then per entry {id, deliveries,
     * record-caused failures, size, fields ({} when oversized), sha1 ('' unless needed)}.
     */
    private static final byte[] READ = bytes("""
            local group, consumer, what = ARGV[1], ARGV[2], ARGV[3]
            local max, budget, recordMax = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
            local payloadField, cursor, digestAbove = ARGV[7], ARGV[8], tonumber(ARGV[10])
            local n, used, complete = 0, 0, 1
            if ARGV[11] == '1' then n = 1 end
            local out = {'', 0}
            if redis.call('EXISTS', KEYS[1]) == 0 then
              return redis.error_reply('NOGROUP stream ' .. KEYS[1] .. ' does not exist')
            end
            local function measure(fields)
              local total, payload = 0, nil
              for i = 1, #fields, 2 do
                total = total + #fields[i] + #fields[i + 1]
                if fields[i] == payloadField then payload = fields[i + 1] end
              end
              if payload then return total, #payload, payload end
              return total, total, nil
            end
            -- false: leave the entry for the next batch; else true and whether it is oversized
            local function fits(total, size)
              local over = recordMax > 0 and size > recordMax
              if n > 0 and (over or used + total > budget) then return false, over end
              return true, over
            end
            local function add(id, deliveries, size, fields, over, payload)
              local failures = tonumber(redis.call('HGET', KEYS[2], id) or '0')
              local digest = ''
              if over and size > digestAbove then
                if payload then digest = redis.sha1hex(payload) else
                  local flat = ''
                  for i = 1, #fields, 2 do flat = flat .. fields[i] .. fields[i + 1] end
                  digest = redis.sha1hex(flat)
                end
              end
              out[#out + 1] = {id, deliveries, failures, size, over and {} or fields, digest}
            end
            if what == 'new' then
              local last
              for _, info in ipairs(redis.call('XINFO', 'GROUPS', KEYS[1])) do
                local name, lastId
                for i = 1, #info, 2 do
                  if info[i] == 'name' then name = info[i + 1] elseif info[i] == 'last-delivered-id' then lastId = info[i + 1] end
                end
                if name == group then last = lastId end
              end
              if not last then return redis.error_reply('NOGROUP no group ' .. group .. ' on ' .. KEYS[1]) end
              while n < max do
                local peek = redis.call('XRANGE', KEYS[1], '(' .. last, '+', 'COUNT', 1)
                if #peek == 0 then break end
                local id, fields = peek[1][1], peek[1][2]
                local total, size, payload = measure(fields)
                local ok, over = fits(total, size)
                if not ok then break end
                redis.call('XREADGROUP', 'GROUP', group, consumer, 'COUNT', 1, 'STREAMS', KEYS[1], '>')
                add(id, 1, size, fields, over, payload)
                last, n, used = id, n + 1, used + total
                if over then break end
              end
              out[1] = last
              return out
            end
            local pending
            if what == 'own' then
              pending = redis.call('XPENDING', KEYS[1], group, '(' .. cursor, '+', max, consumer)
            else
              pending = redis.call('XPENDING', KEYS[1], group, 'IDLE', ARGV[9], '(' .. cursor, '+', max)
            end
            if #pending == max then complete = 0 end
            local inflight = {}
            for i = 12, #ARGV do inflight[ARGV[i]] = true end
            for _, p in ipairs(pending) do
              local id, count = p[1], p[4]
              local entry = {}
              if not (p[2] == consumer and inflight[id]) then entry = redis.call('XRANGE', KEYS[1], id, id) end
              if p[2] == consumer and inflight[id] then
                -- still in flight here (its idle time is kept fresh): neither claimed nor counted as a delivery
              elseif #entry == 0 then
                redis.call('XACK', KEYS[1], group, id)
                redis.call('HDEL', KEYS[2], id)
              else
                local total, size, payload = measure(entry[1][2])
                local ok, over = fits(total, size)
                if not ok then complete = 0; break end
                redis.call('XCLAIM', KEYS[1], group, consumer, 0, id, 'RETRYCOUNT', count + 1, 'JUSTID')
                add(id, count + 1, size, entry[1][2], over, payload)
                n, used = n + 1, used + total
                if over then cursor = id; complete = 0; break end
              end
              cursor = id
            end
            out[1], out[2] = cursor, complete
            return out""");
    /** KEYS: stream, failures hash. ARGV: group, ids: XACK, and the ids' failure counts are forgotten. */
    private static final byte[] ACK = bytes("""
            local acked = 0
            local counted = redis.call('EXISTS', KEYS[2]) == 1
            for i = 2, #ARGV, 500 do
              local last = math.min(i + 499, #ARGV)
              acked = acked + redis.call('XACK', KEYS[1], ARGV[1], unpack(ARGV, i, last))
              if counted then redis.call('HDEL', KEYS[2], unpack(ARGV, i, last)) end
            end
            return acked""");
    /** KEYS: failures hash. ARGV: ids: one more record-caused failure each. */
    private static final byte[] COUNT_FAILURE = bytes("""
            for i = 1, #ARGV do redis.call('HINCRBY', KEYS[1], ARGV[i], 1) end
            return #ARGV""");

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
        List<?> reply = withConnection(connection -> connection.scriptingCommands().eval(READ, ReturnType.MULTI, 2,
                array));
        String next = string((byte[]) reply.get(0));
        boolean complete = ((Number) reply.get(1)).longValue() == 1;
        List<RawEntry> entries = new ArrayList<>(reply.size() - 2);
        for (int i = 2; i < reply.size(); i++) {
            List<?> entry = (List<?>) reply.get(i);
            List<?> flat = (List<?>) entry.get(4);
            boolean oversized = flat.isEmpty();
            String digest = string((byte[]) entry.get(5));
            entries.add(new RawEntry(string((byte[]) entry.get(0)), oversized ? null : flatToMap(flat), null,
                    ((Number) entry.get(1)).longValue(), ((Number) entry.get(2)).longValue(),
                    ((Number) entry.get(3)).longValue(), oversized, digest.isEmpty() ? null : digest));
        }
        return new ReadReply(next, complete, entries);
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
        withConnection(connection -> connection.scriptingCommands().eval(ACK, ReturnType.INTEGER, 2, keysAndArgs));
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
