package io.dataflux.component.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.health.HealthCheck;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.args.ListDirection;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.StreamEntry;

import io.dataflux.testing.RealServers;
import io.dataflux.testing.RedisTestServer;
import io.dataflux.testing.ServerKind;

/** List mode on a real Redis: a processing list per consumer, LREM on success, and a reaper for dead consumers. */
@RealServers(ServerKind.REDIS)
class RedisListSourceTest extends RedisSourceTestSupport {

    private List<String> pushItems(int count) {
        List<String> items = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            items.add("{\"id\":" + i + ",\"text\":\"post " + i + " ✓\"}");
        }
        redis.lpush(key, items.toArray(String[]::new));
        return items;
    }

    @Test
    void itemsAreMovedToTheProcessingListInBatchesAndRemovedOnlyOnSuccess() throws Exception {
        List<String> items = pushItems(50);
        List<List<String>> batches = new CopyOnWriteArrayList<>();
        List<Boolean> inProcessingListWhileProcessed = new CopyOnWriteArrayList<>();
        String processing = ListQueue.processingKey(key, "c1");
        CamelContext context = startContext(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri("mode=list&consumerName=c1&batchSize=20")).routeId("source")
                        .process(exchange -> {
                            List<String> values = new ArrayList<>();
                            for (Object entry : exchange.getMessage().getBody(List.class)) {
                                values.add(((RedisEntry) entry).getValue());
                            }
                            try (Jedis client = RedisTestServer.clientOf(host(), port())) {
                                inProcessingListWhileProcessed.add(client.lrange(processing, 0, -1).containsAll(values));
                            }
                            batches.add(values);
                        });
            }
        });

        await().atMost(Duration.ofSeconds(10)).until(() -> batches.stream().mapToInt(List::size).sum() == 50);
        await().atMost(Duration.ofSeconds(5)).until(() -> redis.llen(processing) == 0);
        assertThat(batches).allSatisfy(batch -> assertThat(batch).hasSizeBetween(1, 20));
        // LPUSH by the producer, taken from the right: first in, first out
        assertThat(batches.stream().flatMap(List::stream).toList()).containsExactlyElementsOf(items);
        assertThat(inProcessingListWhileProcessed).containsOnly(true);
        assertThat(redis.llen(key)).isZero();
        assertThat(consumerOf(context, "source").getMetrics().acknowledged()).isEqualTo(50);
    }

    @Test
    void aFailedItemGoesBackToTheListAndIsDeliveredAgain() throws Exception {
        List<String> items = pushItems(5);
        String unlucky = items.get(1);
        List<String> deliveries = new CopyOnWriteArrayList<>();
        startContext(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri("mode=list&consumerName=c1&exchangePerEntry=true")).routeId("source")
                        .process(exchange -> {
                            String item = exchange.getMessage().getBody(String.class);
                            deliveries.add(item);
                            if (item.equals(unlucky) && deliveries.stream().filter(unlucky::equals).count() == 1) {
                                throw new IllegalStateException("sink down");
                            }
                        });
            }
        });

        await().atMost(Duration.ofSeconds(10)).until(() -> deliveries.size() == 6);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> redis.llen(ListQueue.processingKey(key, "c1")) == 0 && redis.llen(key) == 0);
        assertThat(deliveries).filteredOn(unlucky::equals).hasSize(2);
        assertThat(Set.copyOf(deliveries)).containsExactlyInAnyOrderElementsOf(items);
    }

    @Test
    void theReaperReturnsTheItemsOfAConsumerKilledMidBatch() throws Exception {
        List<String> items = pushItems(30);
        // what kill -9 leaves: a processing list with an unfinished batch (one item already acknowledged),
        // the registration, and a heartbeat that is about to expire
        String crashed = "crashed-pod";
        for (int i = 0; i < 10; i++) {
            redis.lmove(key, ListQueue.processingKey(key, crashed), ListDirection.RIGHT, ListDirection.LEFT);
        }
        redis.lrem(ListQueue.processingKey(key, crashed), -1, items.get(0));
        redis.sadd(ListQueue.consumersKey(key), crashed);
        redis.set(ListQueue.heartbeatKey(key, crashed), "alive", SetParams.setParams().px(800));
        long crashedAt = System.nanoTime();

        List<String> seen = new CopyOnWriteArrayList<>();
        List<Long> msAfterCrash = new CopyOnWriteArrayList<>();
        CamelContext context = startContext(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri("mode=list&consumerName=survivor&exchangePerEntry=true&reaperInterval=100")).routeId("source")
                        .process(exchange -> {
                            String item = exchange.getMessage().getBody(String.class);
                            if (items.subList(1, 10).contains(item)) {
                                msAfterCrash.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - crashedAt));
                            }
                            seen.add(item);
                        });
            }
        });

        await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 29);
        await().atMost(Duration.ofSeconds(5)).until(() -> redis.llen(ListQueue.processingKey(key, "survivor")) == 0);
        assertThat(seen).containsExactlyInAnyOrderElementsOf(items.subList(1, 30));
        assertThat(msAfterCrash).hasSize(9).allSatisfy(ms -> assertThat(ms).isGreaterThanOrEqualTo(800));
        assertThat(redis.exists(ListQueue.processingKey(key, crashed))).isFalse();
        assertThat(redis.smembers(ListQueue.consumersKey(key))).containsExactly("survivor");
        assertThat(consumerOf(context, "source").getMetrics().claimed()).isEqualTo(9);
    }

    @Test
    void theItemsOfALiveConsumerAreNotReapedAndAGracefulStopReturnsThem() throws Exception {
        pushItems(10);
        List<RedisEntry> heldByA = new CopyOnWriteArrayList<>();
        CamelContext replicaA = startContext(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri("mode=list&consumerName=a&manualAck=true&heartbeatTtl=300&shutdownTimeout=100")).routeId("a")
                        .process(exchange -> heldByA.addAll(exchange.getMessage().getBody(List.class)));
            }
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> heldByA.size() == 10);
        AtomicInteger seenByB = new AtomicInteger();
        startContext(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri("mode=list&consumerName=b&reaperInterval=50")).routeId("b")
                        .process(exchange -> seenByB.addAndGet(exchange.getMessage().getBody(List.class).size()));
            }
        });

        // over three heartbeat lifetimes: A's heartbeat keeps its items its own
        await().during(Duration.ofMillis(1000)).atMost(Duration.ofSeconds(3)).until(() -> seenByB.get() == 0);
        replicaA.stop();
        await().atMost(Duration.ofSeconds(5)).until(() -> seenByB.get() == 10);
        assertThat(redis.exists(ListQueue.processingKey(key, "a"))).isFalse();
        assertThat(redis.exists(ListQueue.heartbeatKey(key, "a"))).isFalse();
    }

    @Test
    void anItemThatIsNotUtf8IsDeadLetteredAndAKeyOfTheWrongTypeIsReported() throws Exception {
        byte[] invalidUtf8 = {'{', (byte) 0xFF, '}'};
        redis.lpush(key.getBytes(), invalidUtf8);
        redis.lpush(key, "good");
        String wrongKey = key + ":hash";
        redis.hset(wrongKey, "field", "value");
        List<String> delivered = new CopyOnWriteArrayList<>();
        CamelContext context = startContext(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri("mode=list&consumerName=c1&exchangePerEntry=true")).routeId("source")
                        .process(exchange -> delivered.add(exchange.getMessage().getBody(String.class)));
                from("redis-source:" + wrongKey + "?mode=list&host=" + host() + "&port=" + port()
                        + RedisTestServer.uriCredentials() + "&consumerName=c1")
                        .routeId("wrong-type")
                        .process(exchange -> delivered.add("from wrong-type"));
            }
        });

        String deadLetters = key + ":dead-letter";
        await().atMost(Duration.ofSeconds(10)).until(() -> delivered.contains("good") && redis.exists(deadLetters));
        StreamEntry letter = redis.xrange(deadLetters, (StreamEntryID) null, (StreamEntryID) null).get(0);
        assertThat(letter.getFields()).containsEntry(RedisSourceConstants.DEAD_LETTER_REASON_FIELD,
                "the item is not valid UTF-8");
        List<?> raw = (List<?>) redis.xrange(deadLetters.getBytes(), "-".getBytes(), "+".getBytes()).get(0);
        assertThat((byte[]) ((List<?>) raw.get(1)).get(1)).isEqualTo(invalidUtf8);
        await().atMost(Duration.ofSeconds(5)).until(() -> redis.llen(ListQueue.processingKey(key, "c1")) == 0);

        await().atMost(Duration.ofSeconds(5))
                .until(() -> health(context, "wrong-type").orElseThrow().getState() == HealthCheck.State.DOWN);
        assertThat(health(context, "wrong-type").orElseThrow().getMessage()).get().asString()
                .contains("holds a hash, not a list");
        redis.del(wrongKey);
        redis.lpush(wrongKey, "after the fix");
        await().atMost(Duration.ofSeconds(10)).until(() -> delivered.contains("from wrong-type"));
        assertThat(delivered).containsExactly("good", "from wrong-type");
    }

    @Test
    void anItemThatKeepsFailingIsDeadLetteredAfterMaxDeliveries() throws Exception {
        redis.lpush(key, "fine-1", "poison", "fine-2");
        List<Long> poisonDeliveries = new CopyOnWriteArrayList<>();
        List<String> processed = new CopyOnWriteArrayList<>();
        CamelContext context = startContext(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri("mode=list&consumerName=c1&exchangePerEntry=true&maxDeliveries=2")).routeId("source")
                        .process(exchange -> {
                            String item = exchange.getMessage().getBody(String.class);
                            if (item.equals("poison")) {
                                poisonDeliveries.add(exchange.getMessage().getHeader(RedisSourceConstants.DELIVERY_COUNT,
                                        Long.class));
                                throw new IllegalArgumentException("cannot parse");
                            }
                            processed.add(item);
                        });
            }
        });

        String deadLetters = key + ":dead-letter";
        await().atMost(Duration.ofSeconds(10)).until(() -> redis.exists(deadLetters));
        StreamEntry letter = redis.xrange(deadLetters, (StreamEntryID) null, (StreamEntryID) null).get(0);
        assertThat(letter.getFields())
                .containsEntry(RedisSourceConstants.LIST_VALUE_FIELD, "poison")
                .containsEntry(RedisSourceConstants.DEAD_LETTER_REASON_FIELD, "poison: failed 2 times by its own fault (delivered 3 times; maxDeliveries=2)")
                .containsEntry(RedisSourceConstants.DEAD_LETTER_DELIVERIES_FIELD, "3");
        assertThat(poisonDeliveries).containsExactly(1L, 2L);
        assertThat(processed).containsExactly("fine-1", "fine-2");
        await().atMost(Duration.ofSeconds(5)).until(() -> redis.llen(ListQueue.processingKey(key, "c1")) == 0
                && redis.llen(key) == 0 && !redis.exists(ListQueue.failuresKey(key)));
        assertThat(consumerOf(context, "source").getMetrics().deadLettered()).isEqualTo(1);
    }
}
