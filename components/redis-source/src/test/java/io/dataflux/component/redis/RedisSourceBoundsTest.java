package io.dataflux.component.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.params.XAddParams;

import io.dataflux.testing.RealServers;
import io.dataflux.testing.ServerKind;

/**
 * Memory bounded by bytes, oversized entries dead-lettered once with their bytes, outages that never make poison, the
 * circuit breaker, and a poll thread that cannot die silently: on a real Redis.
 */
@RealServers(ServerKind.REDIS)
class RedisSourceBoundsTest extends RedisSourceTestSupport {

    private static final int MB = 1024 * 1024;

    /** A payload of exactly {@code size} bytes that says which entry it is, so content can be checked. */
    private static byte[] payload(String name, int size) {
        byte[] bytes = new byte[size];
        Arrays.fill(bytes, (byte) ('a' + Math.abs(name.hashCode()) % 26));
        byte[] head = (name + ":").getBytes(StandardCharsets.UTF_8);
        System.arraycopy(head, 0, bytes, 0, head.length);
        return bytes;
    }

    private void add(String name, int size) {
        redis.xadd(key.getBytes(StandardCharsets.UTF_8), XAddParams.xAddParams(),
                Map.of("name".getBytes(StandardCharsets.UTF_8), name.getBytes(StandardCharsets.UTF_8),
                        "payload".getBytes(StandardCharsets.UTF_8), payload(name, size)));
    }

    private static long entryBytes(RedisEntry entry) {
        return entry.getFields().entrySet().stream()
                .mapToLong(field -> field.getKey().getBytes(StandardCharsets.UTF_8).length
                        + field.getValue().getBytes(StandardCharsets.UTF_8).length)
                .sum();
    }

    @Test
    void aBatchNeverHoldsMoreThanBatchMaxBytes() throws Exception {
        for (int i = 0; i < 24; i++) {
            add("e" + i, MB);
        }
        List<Long> batchBytes = new CopyOnWriteArrayList<>();
        Map<String, String> seen = new ConcurrentHashMap<>();
        startContext(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri("consumerName=c1&batchSize=500&batchMaxBytes=" + (3 * MB + MB / 2) + "&recordMaxBytes="
                        + 2 * MB)).routeId("source")
                        .process(exchange -> {
                            @SuppressWarnings("unchecked")
                            List<RedisEntry> batch = exchange.getMessage().getBody(List.class);
                            batchBytes.add(batch.stream().mapToLong(RedisSourceBoundsTest::entryBytes).sum());
                            batch.forEach(entry -> seen.put(entry.getFields().get("name"), entry.getFields().get("payload")));
                        });
            }
        });

        await().atMost(Duration.ofSeconds(30)).until(() -> seen.size() == 24);
        await().atMost(Duration.ofSeconds(5)).until(() -> pendingCount("dataflux") == 0);
        assertThat(batchBytes).allSatisfy(bytes -> assertThat(bytes).isLessThanOrEqualTo(3L * MB + MB / 2));
        assertThat(batchBytes.stream().mapToLong(Long::longValue).sum()).isGreaterThanOrEqualTo(24L * MB);
        for (int i = 0; i < 24; i++) {
            assertThat(seen.get("e" + i)).as("entry e" + i + "'s content")
                    .isEqualTo(new String(payload("e" + i, MB), StandardCharsets.UTF_8));
        }
    }

    @Test
    void anOversizedEntryIsDeadLetteredOnceWithItsExactBytesAndTheSmallOnesFlow() throws Exception {
        for (int i = 0; i < 20; i++) {
            add("small" + i, 1000);
        }
        add("big", 20 * MB);
        for (int i = 20; i < 40; i++) {
            add("small" + i, 1000);
        }
        Set<String> delivered = ConcurrentHashMap.newKeySet();
        List<byte[]> letters = new CopyOnWriteArrayList<>();
        List<Map<String, Object>> letterHeaders = new CopyOnWriteArrayList<>();
        startContext(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri("consumerName=c1&batchSize=500&recordMaxBytes=" + MB + "&payloadField=payload"
                        + "&deadLetterUri=direct:dead-letter")).routeId("source")
                        .process(exchange -> {
                            @SuppressWarnings("unchecked")
                            List<RedisEntry> batch = exchange.getMessage().getBody(List.class);
                            batch.forEach(entry -> delivered.add(entry.getFields().get("name")));
                        });
                from("direct:dead-letter").routeId("dead-letter")
                        .process(exchange -> {
                            letters.add(exchange.getMessage().getBody(byte[].class));
                            letterHeaders.add(Map.copyOf(exchange.getMessage().getHeaders()));
                        });
            }
        });

        await().atMost(Duration.ofSeconds(30)).until(() -> delivered.size() == 40 && letters.size() == 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> pendingCount("dataflux") == 0);
        assertThat(delivered).doesNotContain("big");
        assertThat(letters.get(0)).as("the dead letter's body is the payload's exact bytes")
                .isEqualTo(payload("big", 20 * MB));
        assertThat(letterHeaders.get(0))
                .containsEntry(RedisSourceConstants.PAYLOAD_LENGTH, (long) (20 * MB))
                .doesNotContainKey(RedisSourceConstants.PAYLOAD_SHA1);
        assertThat((String) letterHeaders.get(0).get(RedisSourceConstants.DEAD_LETTER_REASON))
                .startsWith("oversized: " + 20 * MB + " bytes");
        // acknowledged, and no second dead letter comes
        assertThat(letters).hasSize(1);
        assertThat(redis.exists(key + ":failures")).isFalse();
    }

    @Test
    void aPayloadAboveTheDeadLetterCapIsDeadLetteredWithItsLengthAndDigestOnly() throws Exception {
        add("huge", 3 * MB);
        List<Map<String, Object>> letterHeaders = new CopyOnWriteArrayList<>();
        List<byte[]> letters = new CopyOnWriteArrayList<>();
        startContext(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri("consumerName=c1&recordMaxBytes=" + MB + "&deadLetterMaxBytes=" + 2 * MB
                        + "&payloadField=payload&deadLetterUri=direct:dead-letter")).routeId("source")
                        .log("never");
                from("direct:dead-letter").process(exchange -> {
                    letters.add(exchange.getMessage().getBody(byte[].class));
                    letterHeaders.add(Map.copyOf(exchange.getMessage().getHeaders()));
                });
            }
        });

        await().atMost(Duration.ofSeconds(20)).until(() -> letters.size() == 1);
        assertThat(letters.get(0)).isEmpty();
        assertThat(letterHeaders.get(0))
                .containsEntry(RedisSourceConstants.PAYLOAD_LENGTH, (long) (3 * MB))
                .containsEntry(RedisSourceConstants.PAYLOAD_SHA1, DeadLetterPayload.sha1(payload("huge", 3 * MB)));
        await().atMost(Duration.ofSeconds(5)).until(() -> pendingCount("dataflux") == 0);
    }

    @Test
    void listModeKeepsBatchesWithinTheBudgetAndDeadLettersAnOversizedItemWithItsBytes() throws Exception {
        byte[] listKey = key.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 10; i++) {
            redis.lpush(listKey, payload("item" + i, MB));
        }
        redis.lpush(listKey, payload("big", 5 * MB));
        for (int i = 10; i < 20; i++) {
            redis.lpush(listKey, payload("item" + i, MB));
        }
        List<Long> batchBytes = new CopyOnWriteArrayList<>();
        Set<String> delivered = ConcurrentHashMap.newKeySet();
        List<byte[]> letters = new CopyOnWriteArrayList<>();
        startContext(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri("mode=list&consumerName=c1&batchSize=100&batchMaxBytes=" + 3 * MB + "&recordMaxBytes="
                        + 2 * MB + "&deadLetterUri=direct:dead-letter")).routeId("source")
                        .process(exchange -> {
                            @SuppressWarnings("unchecked")
                            List<RedisEntry> batch = exchange.getMessage().getBody(List.class);
                            batchBytes.add(batch.stream().mapToLong(e -> e.getValue().length()).sum());
                            batch.forEach(entry -> {
                                String name = entry.getValue().substring(0, entry.getValue().indexOf(':'));
                                assertThat(entry.getValue()).isEqualTo(new String(payload(name, MB), StandardCharsets.UTF_8));
                                delivered.add(name);
                            });
                        });
                from("direct:dead-letter").process(exchange -> letters.add(exchange.getMessage().getBody(byte[].class)));
            }
        });

        await().atMost(Duration.ofSeconds(30)).until(() -> delivered.size() == 20 && letters.size() == 1);
        assertThat(letters.get(0)).isEqualTo(payload("big", 5 * MB));
        assertThat(batchBytes).allSatisfy(bytes -> assertThat(bytes).isLessThanOrEqualTo(3L * MB));
        await().atMost(Duration.ofSeconds(5)).until(() -> redis.llen(ListQueue.processingKey(key, "c1")) == 0);
    }

    @Test
    void outageFailuresNeverMakePoisonAndPauseReadingUntilTheSinkIsBack() throws Exception {
        for (int i = 0; i < 5; i++) {
            add("r" + i, 100);
        }
        AtomicBoolean sinkDown = new AtomicBoolean(true);
        AtomicInteger outageFailures = new AtomicInteger();
        Map<String, String> stored = new ConcurrentHashMap<>();
        List<String> letters = new CopyOnWriteArrayList<>();
        CamelContext context = startContext(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri("consumerName=c1&exchangePerEntry=true&maxDeliveries=2&minIdleTime=100&claimInterval=50"
                        + "&circuitBreakerDelay=50&circuitBreakerMaxDelay=200&deadLetterUri=direct:dead-letter"))
                        .routeId("source")
                        .process(exchange -> {
                            @SuppressWarnings("unchecked")
                            Map<String, String> fields = exchange.getMessage().getBody(Map.class);
                            if (sinkDown.get()) {
                                outageFailures.incrementAndGet();
                                throw new IllegalStateException("insert failed",
                                        new ConnectException("Connection refused"));
                            }
                            stored.put(fields.get("name"), fields.get("payload"));
                        });
                from("direct:dead-letter").process(exchange -> letters.add(
                        exchange.getMessage().getHeader(RedisSourceConstants.DEAD_LETTER_REASON, String.class)));
            }
        });

        // many times maxDeliveries: Redis's own delivery count is far above 2 by then
        await().atMost(Duration.ofSeconds(30)).until(() -> outageFailures.get() >= 20);
        HealthCheck.Result down = health(context, "source").orElseThrow();
        assertThat(down.getState()).isEqualTo(HealthCheck.State.DOWN);
        assertThat(down.getMessage()).hasValueSatisfying(message -> assertThat(message)
                .contains("server is down").contains("Connection refused").contains("circuit breaker open"));
        assertThat(consumerOf(context, "source").isCircuitBreakerOpen()).isTrue();
        assertThat(redis.exists(key + ":failures")).as("outages are not counted").isFalse();

        sinkDown.set(false);
        await().atMost(Duration.ofSeconds(30)).until(() -> stored.size() == 5);
        await().atMost(Duration.ofSeconds(5)).until(() -> pendingCount("dataflux") == 0);
        for (int i = 0; i < 5; i++) {
            assertThat(stored.get("r" + i)).isEqualTo(new String(payload("r" + i, 100), StandardCharsets.UTF_8));
        }
        assertThat(letters).as("no healthy record became poison").isEmpty();
        await().atMost(Duration.ofSeconds(5)).until(() -> health(context, "source").orElseThrow().getState()
                == HealthCheck.State.UP);
        assertThat(consumerOf(context, "source").isCircuitBreakerOpen()).isFalse();
    }

    @Test
    void failuresTheRecordCausesStillMakePoisonAfterMaxDeliveries() throws Exception {
        add("good", 10);
        add("bad", 10);
        Set<String> stored = ConcurrentHashMap.newKeySet();
        List<String> letters = new CopyOnWriteArrayList<>();
        List<byte[]> letterBodies = new CopyOnWriteArrayList<>();
        startContext(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri("consumerName=c1&exchangePerEntry=true&maxDeliveries=2&minIdleTime=100&claimInterval=50"
                        + "&payloadField=payload&deadLetterUri=direct:dead-letter")).routeId("source")
                        .process(exchange -> {
                            @SuppressWarnings("unchecked")
                            Map<String, String> fields = exchange.getMessage().getBody(Map.class);
                            if ("bad".equals(fields.get("name"))) {
                                throw new IllegalArgumentException("cannot parse");
                            }
                            stored.add(fields.get("name"));
                        });
                from("direct:dead-letter").process(exchange -> {
                    letters.add(exchange.getMessage().getHeader(RedisSourceConstants.DEAD_LETTER_REASON, String.class));
                    letterBodies.add(exchange.getMessage().getBody(byte[].class));
                });
            }
        });

        await().atMost(Duration.ofSeconds(20)).until(() -> letters.size() == 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> pendingCount("dataflux") == 0);
        assertThat(letters.get(0)).startsWith("poison: failed 2 times by its own fault");
        assertThat(letterBodies.get(0)).isEqualTo(payload("bad", 10));
        assertThat(stored).containsExactly("good");
        assertThat(redis.exists(key + ":failures")).as("forgotten once acknowledged").isFalse();
    }

    @Test
    void aPollLoopHitByOutOfMemoryErrorRestartsAndConsumesOn() throws Exception {
        Set<String> seen = ConcurrentHashMap.newKeySet();
        CamelContext context = startContext(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri("consumerName=c1&blockTimeout=100")).routeId("source")
                        .process(exchange -> {
                            @SuppressWarnings("unchecked")
                            List<RedisEntry> batch = exchange.getMessage().getBody(List.class);
                            batch.forEach(entry -> seen.add(entry.getFields().get("name")));
                        });
            }
        });
        RedisSourceConsumer consumer = consumerOf(context, "source");
        AtomicInteger thrown = new AtomicInteger();
        consumer.pollHook = () -> {
            if (thrown.getAndIncrement() < 2) {
                throw new OutOfMemoryError("Java heap space (injected)");
            }
        };
        await().atMost(Duration.ofSeconds(10)).until(() -> thrown.get() > 2);
        add("after", 10);

        await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains("after"));
        assertThat(consumer.pollerDeath()).isNull();
        assertThat(liveness(context)).isEqualTo(HealthCheck.State.UP);
    }

    @Test
    void aPollThreadThatKeepsDyingMakesLivenessDown() throws Exception {
        CamelContext context = startContext(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri("consumerName=c1&blockTimeout=100&reconnectMaxDelay=100")).routeId("source").log("${body}");
            }
        });
        assertThat(liveness(context)).isEqualTo(HealthCheck.State.UP);
        consumerOf(context, "source").pollHook = () -> {
            throw new OutOfMemoryError("Java heap space (injected)");
        };

        await().atMost(Duration.ofSeconds(20)).until(() -> liveness(context) == HealthCheck.State.DOWN);
        HealthCheck.Result live = HealthCheckHelper.invokeLiveness(context).stream()
                .filter(result -> result.getCheck().getId().equals("redis-source-poller:source")).findFirst().orElseThrow();
        assertThat(live.getMessage()).hasValueSatisfying(message -> assertThat(message)
                .contains("poll thread died").contains("OutOfMemoryError"));
        assertThat(health(context, "source").orElseThrow().getState()).isEqualTo(HealthCheck.State.DOWN);
    }

    private static HealthCheck.State liveness(CamelContext context) {
        return HealthCheckHelper.invokeLiveness(context).stream()
                .filter(result -> result.getCheck().getId().equals("redis-source-poller:source"))
                .map(HealthCheck.Result::getState)
                .findFirst()
                .orElseThrow(() -> new AssertionError("the consumer's poller has no liveness check"));
    }
}
