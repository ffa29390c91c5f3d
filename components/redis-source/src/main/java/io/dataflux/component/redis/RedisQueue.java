package io.dataflux.component.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.DataType;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.ReturnType;

/** The Redis side of a consumer, one implementation per mode; every method may throw Spring's DataAccessException. */
abstract class RedisQueue {

    /** The SHA-1 of each script run with {@link #evalCached}, by the script's array (identity). */
    private static final Map<byte[], byte[]> SCRIPT_SHAS = new ConcurrentHashMap<>();

    protected final RedisSourceConfiguration config;
    protected final RedisConnectionFactory connections;
    protected final String consumerName;
    protected final RedisSourceMetrics metrics;
    protected final byte[] key;
    /**
     * Told of entries released after a failure (first entry, cause); answers whether the failure is the records'
     * (counted towards maxDeliveries) rather than an outage. Set by the consumer.
     */
    volatile java.util.function.BiPredicate<RedisEntry, Throwable> failureObserver;

    RedisQueue(RedisSourceConfiguration config, RedisConnectionFactory connections, String consumerName,
               RedisSourceMetrics metrics) {
        this.config = config;
        this.connections = connections;
        this.consumerName = consumerName;
        this.metrics = metrics;
        this.key = bytes(config.getKey());
    }

    /** Creates what the consumer needs in Redis (the group; the consumer's registration). Idempotent. */
    abstract void prepare();

    /** The next page of entries this consumer held when it last stopped; empty when there are none left. */
    abstract List<RawEntry> recoverOwn(int max);

    /** New entries, blocking up to blockTimeout; empty when none arrived. */
    abstract List<RawEntry> read(int max);

    /** Entries idle in other consumers (or failed in this one) taken over; empty by default. */
    List<RawEntry> claim(int max, Collection<String> inflightIds) {
        return List.of();
    }

    /** True when the last claim() reached the end of the pending entries (the next cycle can wait claimInterval). */
    boolean claimCycleComplete() {
        return true;
    }

    /** Stream mode: an entry read alone, whole (an oversized entry to dead-letter); null when it no longer exists. */
    java.util.Map<byte[], byte[]> readAlone(String id) {
        return null;
    }

    abstract void acknowledge(List<RedisEntry> entries);

    /** Removes a raw entry that will not be delivered (dead-lettered, or deleted from the stream while pending). */
    abstract void acknowledgeRaw(List<RawEntry> entries);

    /** Gives entries back; {@code failed} counts a failed delivery (towards maxDeliveries) where Redis does not. */
    abstract void release(List<RedisEntry> entries, boolean failed);

    abstract boolean canAckAfterRelease();

    /** Writes the entry to the dead-letter stream, with the reason and the delivery count. */
    abstract void writeDeadLetter(RawEntry entry, String reason);

    /** Periodic work that must go on even while reading is held back: heartbeats, keep-alive, reaping, statistics. */
    abstract void housekeeping(Collection<RedisEntry> inflight);

    /** How often housekeeping runs. */
    abstract long housekeepingInterval();

    /** What the consumer leaves behind on a clean stop. */
    void close() {
    }

    /** The type of the key ("string", "stream", "none", ...), for error messages. */
    String keyType() {
        return withConnection(connection -> {
            DataType type = connection.keyCommands().type(key);
            return type == null ? "unknown" : type.code();
        });
    }

    protected <T> T withConnection(Function<RedisConnection, T> action) {
        try (RedisConnection connection = connections.getConnection()) {
            return action.apply(connection);
        }
    }

    /**
     * Runs a script by its SHA-1 (EVALSHA), and with its text (EVAL) only when Redis does not have it (first use,
     * restart, SCRIPT FLUSH): EVAL would send the text and make Redis hash it on every call.
     */
    protected static <T> T evalCached(RedisConnection connection, byte[] script, ReturnType type, int numKeys,
                                      byte[]... keysAndArgs) {
        byte[] sha = SCRIPT_SHAS.computeIfAbsent(script, RedisQueue::sha1Hex);
        try {
            return connection.scriptingCommands().evalSha(sha, type, numKeys, keysAndArgs);
        } catch (DataAccessException e) {
            if (!isNoScript(e)) {
                throw e;
            }
            return connection.scriptingCommands().eval(script, type, numKeys, keysAndArgs);
        }
    }

    private static boolean isNoScript(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause.getMessage() != null && cause.getMessage().contains("NOSCRIPT")) {
                return true;
            }
        }
        return false;
    }

    private static byte[] sha1Hex(byte[] script) {
        try {
            return bytes(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(script)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    protected static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    protected static String string(byte[] value) {
        return new String(value, StandardCharsets.UTF_8);
    }
}
