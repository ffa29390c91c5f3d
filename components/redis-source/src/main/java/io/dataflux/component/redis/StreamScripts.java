package io.dataflux.component.redis;

/**
 * The Lua scripts of stream mode: each does in one round trip, atomically, what would otherwise race between
 * consumers (taking entries within a byte budget, acknowledging and forgetting their failure counts, counting a
 * failure, forgetting idle group members).
 */
final class StreamScripts {

    /** KEYS[1] stream; ARGV: group, this consumer, idle threshold in ms. */
    static final byte[] FORGET_IDLE_CONSUMERS = RedisQueue.bytes("""
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
    static final byte[] READ = RedisQueue.bytes("""
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
    static final byte[] ACK = RedisQueue.bytes("""
            local acked = 0
            local counted = redis.call('EXISTS', KEYS[2]) == 1
            for i = 2, #ARGV, 500 do
              local last = math.min(i + 499, #ARGV)
              acked = acked + redis.call('XACK', KEYS[1], ARGV[1], unpack(ARGV, i, last))
              if counted then redis.call('HDEL', KEYS[2], unpack(ARGV, i, last)) end
            end
            return acked""");
    /** KEYS: failures hash. ARGV: ids: one more record-caused failure each. */
    static final byte[] COUNT_FAILURE = RedisQueue.bytes("""
            for i = 1, #ARGV do redis.call('HINCRBY', KEYS[1], ARGV[i], 1) end
            return #ARGV""");

    private StreamScripts() {
    }
}
