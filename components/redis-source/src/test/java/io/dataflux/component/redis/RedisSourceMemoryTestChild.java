package io.dataflux.component.redis;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import redis.clients.jedis.JedisPooled;

/**
 * A redis-source consumer in a JVM of its own (small heap, for {@link RedisSourceMemoryTest}): it reads a stream of
 * large entries with the component's defaults for memory (batchMaxBytes) and a large batchSize, records the SHA-1 of
 * every payload it processed or dead-lettered in Redis hashes, and exits 0 once all {@code expected} entries are done.
 * Arguments: host port key expected recordMaxBytes.
 */
public final class RedisSourceMemoryTestChild {

    /** The environment variables naming the Redis ACL user and password, when the server has them. */
    static final String USERNAME_ENV = "DATAFLUX_TEST_REDIS_USERNAME";
    static final String PASSWORD_ENV = "DATAFLUX_TEST_REDIS_PASSWORD";

    private RedisSourceMemoryTestChild() {
    }

    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        String key = args[2];
        long expected = Long.parseLong(args[3]);
        long recordMaxBytes = Long.parseLong(args[4]);
        AtomicLong largestBatch = new AtomicLong();
        Object progress = new Object();
        String username = System.getenv(USERNAME_ENV);
        String password = System.getenv(PASSWORD_ENV);
        String credentials = password == null ? "" : "&username=" + username + "&password=" + password;
        redis.clients.jedis.DefaultJedisClientConfig.Builder config = redis.clients.jedis.DefaultJedisClientConfig.builder();
        if (password != null) {
            config.user(username).password(password);
        }
        try (JedisPooled redis = new JedisPooled(new redis.clients.jedis.HostAndPort(host, port), config.build());
             CamelContext context = new DefaultCamelContext()) {
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("redis-source:" + key + "?host=" + host + "&port=" + port + "&consumerName=small-heap"
                            + "&batchSize=500&maxInflightBatches=4&payloadField=payload&recordMaxBytes=" + recordMaxBytes
                            + "&deadLetterUri=direct:dead-letter" + credentials).routeId("source")
                            .process(exchange -> {
                                @SuppressWarnings("unchecked")
                                List<RedisEntry> batch = exchange.getMessage().getBody(List.class);
                                long bytes = 0;
                                for (RedisEntry entry : batch) {
                                    byte[] payload = entry.getFields().get("payload").getBytes(StandardCharsets.UTF_8);
                                    bytes += payload.length + entry.getFields().get("name").length() + 11;
                                    redis.hset(key + ":processed", entry.getFields().get("name"),
                                            DeadLetterPayload.sha1(payload));
                                }
                                largestBatch.accumulateAndGet(bytes, Math::max);
                                synchronized (progress) {
                                    progress.notifyAll();
                                }
                            });
                    from("direct:dead-letter").routeId("dead-letter")
                            .process(exchange -> redis.hset(key + ":dead-lettered",
                                    exchange.getMessage().getHeader(RedisSourceConstants.ID, String.class),
                                    DeadLetterPayload.sha1(exchange.getMessage().getBody(byte[].class))))
                            .process(exchange -> {
                                synchronized (progress) {
                                    progress.notifyAll();
                                }
                            });
                }
            });
            context.start();
            long deadline = System.currentTimeMillis() + 150_000;
            while (redis.hlen(key + ":processed") + redis.hlen(key + ":dead-lettered") < expected) {
                if (System.currentTimeMillis() > deadline) {
                    System.out.println("TIMEOUT");
                    System.exit(2);
                }
                synchronized (progress) {
                    progress.wait(500); // woken by every batch and dead letter
                }
            }
            long peakHeap = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    peakHeap += pool.getPeakUsage().getUsed();
                }
            }
            redis.hset(key + ":stats", "largestBatch", Long.toString(largestBatch.get()));
            redis.hset(key + ":stats", "peakHeap", Long.toString(peakHeap));
            System.out.println("DONE largestBatch=" + largestBatch.get() + " peakHeap=" + peakHeap);
        }
        System.exit(0);
    }
}
