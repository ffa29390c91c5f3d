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
     * Reads entries for this consumer within a byte budget, as XREADGROUP would but bounded by bytes.
     * KEYS: stream, failures hash. ARGV: group, consumer, what ('new': undelivered entries, as XREADGROUP &gt;;
     * 'own': this consumer's pending entries; 'claim': the group's entries idle for ARGV[9] ms), most entries, byte
     * budget, record limit (0: none), payload field ('' : the whole entry), exclusive cursor id (own, claim), min
     * idle (claim), largest payload whose SHA-1 is not needed, '1' when the batch already holds an entry, then (claim)
     * the ids this consumer has in flight, which are left alone.
     * Entries are read one at a time, so the script holds the batch and at most one entry more, however large the
     * entries are; each entry's bytes pass into Lua once, which is what a read costs Redis here (Lua hashes every
     * string it is given). 'new' takes each entry with XREADGROUP COUNT 1 and measures it: the entry that does not
     * fit is given back (XACK, and the group's last-delivered id and read counter set back), so it comes first in
     * the next batch, never delivered twice; its fields are not returned (0 instead): the caller reads the batch with
     * one XRANGE from its first to its last id, which costs Redis less than returning them from Lua. 'own'/'claim'
     * measure each pending entry with XRANGE before taking it (XCLAIM JUSTID with the delivery count raised as
     * XREADGROUP does, one call per count). Failure counts are read (HMGET) only when the failures hash exists. An
     * entry larger than the record limit is returned without its fields (id, size, and the payload's SHA-1 when
     * larger than ARGV[10]), always alone in its batch. An entry deleted while pending is acknowledged. Returns cursor, complete (1: no more pending entries), then per entry
     * {id, deliveries, record-caused failures, size, fields ({} when oversized, 0 for the caller to read), sha1 (''
     * unless needed)}.
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
            -- the entries of the batch: ids, deliveries, sizes, fields, oversized, digests
            local ids, counts, sizes, fieldsOf, overs, digests = {}, {}, {}, {}, {}, {}
            local function measure(fields)
              local total, payload = 0, nil
              for i = 1, #fields, 2 do
                total = total + #fields[i] + #fields[i + 1]
                if fields[i] == payloadField then payload = fields[i + 1] end
              end
              if payload then return total, #payload, payload end
              return total, total, nil
            end
            -- adds the entry to the batch if it fits; false: leave it for the next batch; else true and whether it is
            -- oversized (then alone in its batch)
            local function add(id, fields, deliveries)
              local total, size, payload = measure(fields)
              local over = recordMax > 0 and size > recordMax
              if n > 0 and (over or used + total > budget) then return false, over end
              local digest = ''
              if over and size > digestAbove then
                if payload then digest = redis.sha1hex(payload) else
                  local flat = ''
                  for i = 1, #fields, 2 do flat = flat .. fields[i] .. fields[i + 1] end
                  digest = redis.sha1hex(flat)
                end
              end
              local k = #ids + 1
              ids[k], counts[k], sizes[k], overs[k], digests[k] = id, deliveries, size, over, digest
              -- 'new': 0, the caller reads the fields with one XRANGE (returning them from Lua costs more)
              fieldsOf[k] = (over and {}) or (what == 'new' and 0) or fields
              n, used = n + 1, used + total
              return true, over
            end
            local function finish()
              local failures = {}
              -- a failure count exists only after a failed delivery: mostly there is no hash at all
              if #ids > 0 and redis.call('EXISTS', KEYS[2]) == 1 then
                for i = 1, #ids, 500 do
                  local counted = redis.call('HMGET', KEYS[2], unpack(ids, i, math.min(i + 499, #ids)))
                  for j = 1, #counted do failures[i + j - 1] = tonumber(counted[j] or '0') end
                end
              end
              for i = 1, #ids do
                out[#out + 1] = {ids[i], counts[i], failures[i] or 0, sizes[i], fieldsOf[i], digests[i]}
              end
              return out
            end
            local function groupInfo()
              for _, info in ipairs(redis.call('XINFO', 'GROUPS', KEYS[1])) do
                local fields = {}
                for i = 1, #info, 2 do fields[info[i]] = info[i + 1] end
                if fields['name'] == group then return fields end
              end
              return nil
            end
            if what == 'new' then
              local info = groupInfo()
              if not info then return redis.error_reply('NOGROUP no group ' .. group .. ' on ' .. KEYS[1]) end
              local last = info['last-delivered-id']
              while n < max do
                local reply = redis.call('XREADGROUP', 'GROUP', group, consumer, 'COUNT', '1', 'STREAMS', KEYS[1], '>')
                if not reply then break end
                local id, fields = reply[1][2][1][1], reply[1][2][1][2]
                local ok, over = add(id, fields, 1)
                if not ok then
                  -- given back as if never read: the group's read counter (Redis 7) was one more with it
                  redis.call('XACK', KEYS[1], group, id)
                  local read = groupInfo()['entries-read']
                  if type(read) == 'number' then
                    redis.call('XGROUP', 'SETID', KEYS[1], group, last, 'ENTRIESREAD', string.format('%d', read - 1))
                  else
                    redis.call('XGROUP', 'SETID', KEYS[1], group, last)
                  end
                  break
                end
                last = id
                if over then break end
              end
              out[1] = last
              return finish()
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
              if p[2] == consumer and inflight[id] then
                -- still in flight here (its idle time is kept fresh): neither claimed nor counted as a delivery
              else
                local entry = redis.call('XRANGE', KEYS[1], id, id)
                if #entry == 0 then
                  redis.call('XACK', KEYS[1], group, id)
                  redis.call('HDEL', KEYS[2], id)
                else
                  local ok, over = add(id, entry[1][2], count + 1)
                  if not ok then complete = 0; break end
                  if over then cursor = id; complete = 0; break end
                end
              end
              cursor = id
            end
            out[1], out[2] = cursor, complete
            -- taken as XREADGROUP would: the delivery count raised; one XCLAIM per count
            local byCount = {}
            for i = 1, #ids do
              local same = byCount[counts[i]]
              if not same then same = {}; byCount[counts[i]] = same end
              same[#same + 1] = ids[i]
            end
            for count, same in pairs(byCount) do
              for i = 1, #same, 500 do
                local args = {KEYS[1], group, consumer, '0'}
                for j = i, math.min(i + 499, #same) do args[#args + 1] = same[j] end
                args[#args + 1], args[#args + 2], args[#args + 3] = 'RETRYCOUNT', string.format('%d', count), 'JUSTID'
                redis.call('XCLAIM', unpack(args))
              end
            end
            return finish()""");
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
