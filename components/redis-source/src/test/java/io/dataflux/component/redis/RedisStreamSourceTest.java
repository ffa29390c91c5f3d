package io.dataflux.component.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.health.HealthCheck;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.params.XPendingParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.resps.StreamPendingEntry;

import io.dataflux.testing.RealServers;
import io.dataflux.testing.RedisTestServer;
import io.dataflux.testing.ServerKind;

/** Stream mode on a real Redis: batches, acknowledgement only on success, redelivery, claiming, poison, replicas. */
@RealServers(ServerKind.REDIS)
class RedisStreamSourceTest extends RedisSourceTestSupport {

    @Test
    void batchesArriveWithTheirFieldsAndAreAcknowledgedOnlyOnSuccess() throws Exception {
        List<String> ids = addEntries(250, 16);
        List<List<RedisEntry>> batches = new CopyOnWriteArrayList<>();
        List<Long> pendingWhileProcessing = new CopyOnWriteArrayList<>();
        CamelContext context = startContext(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri("consumerName=c1&batchSize=100")).routeId("source")
                        .process(exchange -> {
                            @SuppressWarnings("unchecked")
                            List<RedisEntry> batch = exchange.getMessage().getBody(List.class);
                            batches.add(batch);
                            try (var client = RedisTestServer.clientOf(host(), port())) {
                                pendingWhileProcessing.add(client.xpending(key, "dataflux").getTotal());
                            }
                        });
            }
        });

        await().atMost(Duration.ofSeconds(10)).until(() -> batches.stream().mapToInt(List::size).sum() == 250);
        await().atMost(Duration.ofSeconds(5)).until(() -> pendingCount("dataflux") == 0);

        assertThat(batches).allSatisfy(batch -> assertThat(batch).hasSizeBetween(1, 100));
        List<RedisEntry> all = batches.stream().flatMap(List::stream).toList();
        assertThat(all).extracting(RedisEntry::getId).containsExactlyElementsOf(ids);
        assertThat(all.get(7).getFields()).containsEntry("n", "7").containsEntry("payload", "x".repeat(16));
        assertThat(all).allSatisfy(entry -> {
            assertThat(entry.isAcknowledged()).isTrue();
            assertThat(entry.getDeliveryCount()).isEqualTo(1);
        });
        // while the route ran, its own batch was still pending: acknowledged after, not before
        assertThat(pendingWhileProcessing).allSatisfy(pending -> assertThat(pending).isPositive());
        RedisSourceMetrics metrics = consumerOf(context, "source").getMetrics();
        assertThat(metrics.read()).isEqualTo(250);
        assertThat(metrics.acknowledged()).isEqualTo(250);
    }

    @Test
    void aFailedExchangesEntriesStayPendingAndComeBack() throws Exception {
        List<String> ids = addEntries(5, 8);
        String unlucky = ids.get(2);
        Map<String, List<Long>> deliveries = new ConcurrentHashMap<>();
        startContext(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri("consumerName=c1&exchangePerEntry=true&minIdleTime=300&claimInterval=100")).routeId("source")
                        .process(exchange -> {
                            RedisEntry entry = exchange.getMessage().getHeader(RedisSourceConstants.ENTRY, RedisEntry.class);
                            deliveries.computeIfAbsent(entry.getId(), id -> new CopyOnWriteArrayList<>())
                                    .add(entry.getDeliveryCount());
                            if (entry.getId().equals(unlucky) && entry.getDeliveryCount() == 1) {
                                throw new IllegalStateException("sink down");
                            }
                        });
            }
        });

        await().atMost(Duration.ofSeconds(10)).until(() -> deliveries.getOrDefault(unlucky, List.of()).size() == 2);
        await().atMost(Duration.ofSeconds(5)).until(() -> pendingCount("dataflux") == 0);
        assertThat(deliveries.get(unlucky)).containsExactly(1L, 2L);
        assertThat(deliveries).hasSize(5);
        ids.stream().filter(id -> !id.equals(unlucky))
                .forEach(id -> assertThat(deliveries.get(id)).containsExactly(1L));
    }

    @Test
    void theEntriesOfAnInstanceThatStoppedWithoutAcknowledgingAreClaimedAfterMinIdleTime() throws Exception {
        List<String> ids = addEntries(30, 8);
        List<RedisEntry> heldByA = new CopyOnWriteArrayList<>();
        CamelContext replicaA = startContext(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri("consumerName=a&manualAck=true&shutdownTimeout=100")).routeId("a")
                        .process(exchange -> heldByA.addAll(exchange.getMessage().getBody(List.class)));
            }
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> heldByA.size() == 30);
        long deliveredToA = System.nanoTime();
        replicaA.stop();

        Set<String> seenByB = ConcurrentHashMap.newKeySet();
        List<Long> idleMs = new CopyOnWriteArrayList<>();
        CamelContext replicaB = startContext(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri("consumerName=b&minIdleTime=1500&claimInterval=100")).routeId("b")
                        .process(exchange -> {
                            idleMs.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - deliveredToA));
                            for (Object entry : exchange.getMessage().getBody(List.class)) {
                                seenByB.add(((RedisEntry) entry).getId());
                            }
                        });
            }
        });

        await().atMost(Duration.ofSeconds(10)).until(() -> seenByB.size() == 30);
        await().atMost(Duration.ofSeconds(5)).until(() -> pendingCount("dataflux") == 0);
        assertThat(seenByB).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(idleMs).allSatisfy(ms -> assertThat(ms).isGreaterThanOrEqualTo(1500));
        assertThat(consumerOf(replicaB, "b").getMetrics().claimed()).isEqualTo(30);
    }

    @Test
    void entriesALiveConsumerHoldsLongerThanMinIdleTimeAreNotClaimedByOthers() throws Exception {
        addEntries(10, 8);
        List<RedisEntry> heldByA = new CopyOnWriteArrayList<>();
        startContext(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri("consumerName=a&manualAck=true&minIdleTime=300")).routeId("a")
                        .process(exchange -> heldByA.addAll(exchange.getMessage().getBody(List.class)));
            }
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> heldByA.size() == 10);
        AtomicInteger seenByB = new AtomicInteger();
        startContext(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri("consumerName=b&minIdleTime=300&claimInterval=50")).routeId("b")
                        .process(exchange -> seenByB.addAndGet(exchange.getMessage().getBody(List.class).size()));
            }
        });

        // three times minIdleTime: A's keep-alive resets the idle time of what it holds (e.g. in an aggregator)
        await().during(Duration.ofMillis(1000)).atMost(Duration.ofSeconds(3)).until(() -> seenByB.get() == 0);
        RedisEntry.ackAll(heldByA);
        assertThat(pendingCount("dataflux")).isZero();
    }

    @Test
    void poisonEntriesAreDeadLetteredWithTheirReasonAfterMaxDeliveries() throws Exception {
        addEntries(3, 8);
        redis.xadd(key, XAddParams.xAddParams(), Map.of("n", "poison", "kind", "bad"));
        AtomicInteger poisonAttempts = new AtomicInteger();
        Set<String> processed = ConcurrentHashMap.newKeySet();
        CamelContext context = startContext(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri("consumerName=c1&exchangePerEntry=true&maxDeliveries=2&minIdleTime=100&claimInterval=50"))
                        .routeId("source")
                        .process(exchange -> {
                            @SuppressWarnings("unchecked")
                            Map<String, String> fields = exchange.getMessage().getBody(Map.class);
                            if ("poison".equals(fields.get("n"))) {
                                poisonAttempts.incrementAndGet();
                                throw new IllegalArgumentException("cannot parse");
                            }
                            processed.add(fields.get("n"));
                        });
            }
        });

        String deadLetters = key + ":dead-letter";
        await().atMost(Duration.ofSeconds(10)).until(() -> redis.exists(deadLetters) && redis.xlen(deadLetters) == 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> pendingCount("dataflux") == 0);
        StreamEntry letter = redis.xrange(deadLetters, (StreamEntryID) null, (StreamEntryID) null).get(0);
        assertThat(letter.getFields())
                .containsEntry("n", "poison")
                .containsEntry("kind", "bad")
                .containsEntry(RedisSourceConstants.DEAD_LETTER_DELIVERIES_FIELD, "3")
                .containsEntry(RedisSourceConstants.DEAD_LETTER_SOURCE_FIELD, key)
                .containsKey(RedisSourceConstants.DEAD_LETTER_SOURCE_ID_FIELD);
        assertThat(letter.getFields().get(RedisSourceConstants.DEAD_LETTER_REASON_FIELD))
                .isEqualTo("poison: failed 2 times by its own fault (delivered 3 times; maxDeliveries=2)");
        assertThat(poisonAttempts).hasValue(2);
        assertThat(processed).containsExactlyInAnyOrder("0", "1", "2");
        assertThat(consumerOf(context, "source").getMetrics().deadLettered()).isEqualTo(1);
    }

    @Test
    void threeConsumersInOneGroupShareTenThousandEntriesEachAcknowledgedOnce() throws Exception {
        List<String> ids = addEntries(10_000, 32);
        Map<String, AtomicInteger> timesSeen = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> perConsumer = new ConcurrentHashMap<>();
        CamelContext context = startContext(new RouteBuilder() {
            @Override
            public void configure() {
                for (String name : List.of("r1", "r2", "r3")) {
                    from(uri("consumerName=" + name + "&batchSize=200")).routeId(name)
                            .process(exchange -> {
                                List<?> batch = exchange.getMessage().getBody(List.class);
                                perConsumer.computeIfAbsent(name, n -> new AtomicInteger()).addAndGet(batch.size());
                                for (Object entry : batch) {
                                    timesSeen.computeIfAbsent(((RedisEntry) entry).getId(), id -> new AtomicInteger())
                                            .incrementAndGet();
                                }
                                Thread.yield();
                            });
                }
            }
        });

        await().atMost(Duration.ofSeconds(30)).until(() -> timesSeen.size() == 10_000);
        await().atMost(Duration.ofSeconds(5)).until(() -> pendingCount("dataflux") == 0);
        assertThat(timesSeen.keySet()).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(timesSeen.values()).allSatisfy(count -> assertThat(count).hasValue(1));
        long acknowledged = 0;
        for (String name : List.of("r1", "r2", "r3")) {
            acknowledged += consumerOf(context, name).getMetrics().acknowledged();
        }
        assertThat(acknowledged).isEqualTo(10_000);
        assertThat(perConsumer.values().stream().mapToInt(AtomicInteger::get).sum()).isEqualTo(10_000);
        List<StreamPendingEntry> stillPending = redis.xpending(key, "dataflux", XPendingParams.xPendingParams().count(10));
        assertThat(stillPending).isEmpty();
    }

    @Test
    void backpressureHoldsTheInflightCountUntilDeferredAcknowledgements() throws Exception {
        addEntries(100, 8);
        List<List<RedisEntry>> batches = new CopyOnWriteArrayList<>();
        CamelContext context = startContext(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri("consumerName=c1&batchSize=10&maxInflightBatches=2")).routeId("source")
                        .setProperty(RedisSourceConstants.MANUAL_ACK, constant(true))
                        .process(exchange -> batches.add(exchange.getMessage().getBody(List.class)));
            }
        });
        RedisSourceConsumer consumer = consumerOf(context, "source");

        await().atMost(Duration.ofSeconds(5)).until(() -> batches.size() == 2);
        await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(2))
                .until(() -> batches.size() == 2 && consumer.getMetrics().inflightBatches() == 2);

        // the pipeline acknowledges from parallel threads, each entry several times
        List<RedisEntry> first = batches.get(0);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch go = new CountDownLatch(1);
        for (int thread = 0; thread < 8; thread++) {
            List<RedisEntry> shuffled = new ArrayList<>(first);
            Collections.shuffle(shuffled);
            pool.execute(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                shuffled.forEach(RedisEntry::ack);
            });
        }
        go.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();

        assertThat(consumer.getMetrics().acknowledged()).isEqualTo(10);
        await().atMost(Duration.ofSeconds(5)).until(() -> batches.size() == 3);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> batches.size() == 3);
        assertThat(pendingCount("dataflux")).isEqualTo(20);

        batches.forEach(RedisEntry::ackAll);
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            batches.forEach(RedisEntry::ackAll);
            return batches.size() == 10 && pendingCount("dataflux") == 0;
        });
        assertThat(consumer.getMetrics().acknowledged()).isEqualTo(100);
    }

    @Test
    void undecodableEntriesAreDeadLetteredAndAWrongTypeKeyIsReportedWithoutStickingTheConsumer() throws Exception {
        byte[] invalidUtf8 = {(byte) 0xC3, (byte) 0x28, 'o', 'k'};
        redis.xadd(key.getBytes(), XAddParams.xAddParams(),
                Map.of("id".getBytes(), "1".getBytes(), "body".getBytes(), invalidUtf8));
        redis.xadd(key, XAddParams.xAddParams(), Map.of("body", "no id here"));
        redis.xadd(key, XAddParams.xAddParams(), Map.of("id", "3", "body", "fine ✓"));
        List<Map<String, String>> delivered = new CopyOnWriteArrayList<>();
        String wrongKey = key + ":string";
        redis.set(wrongKey, "not a stream");
        CamelContext context = startContext(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri("consumerName=c1&exchangePerEntry=true&requiredFields=id,body")).routeId("source")
                        .process(exchange -> delivered.add(exchange.getMessage().getBody(Map.class)));
                from("redis-source:" + wrongKey + "?host=" + host() + "&port=" + port()
                        + RedisTestServer.uriCredentials() + "&consumerName=c1")
                        .routeId("wrong-type")
                        .process(exchange -> delivered.add(Map.of("from", "wrong-type")));
            }
        });

        String deadLetters = key + ":dead-letter";
        await().atMost(Duration.ofSeconds(10)).until(() -> redis.exists(deadLetters) && redis.xlen(deadLetters) == 2);
        await().atMost(Duration.ofSeconds(5)).until(() -> pendingCount("dataflux") == 0);
        assertThat(delivered).containsExactly(Map.of("id", "3", "body", "fine ✓"));
        List<StreamEntry> letters = redis.xrange(deadLetters, (StreamEntryID) null, (StreamEntryID) null);
        assertThat(letters.get(0).getFields().get(RedisSourceConstants.DEAD_LETTER_REASON_FIELD))
                .isEqualTo("field 'body' is not valid UTF-8");
        // the original bytes are kept as they were
        List<?> rawLetter = (List<?>) redis.xrange(deadLetters.getBytes(), "-".getBytes(), "+".getBytes()).get(0);
        List<?> rawFields = (List<?>) rawLetter.get(1);
        int bodyAt = 0;
        while (!"body".equals(new String((byte[]) rawFields.get(bodyAt)))) {
            bodyAt += 2;
        }
        assertThat((byte[]) rawFields.get(bodyAt + 1)).isEqualTo(invalidUtf8);
        assertThat(letters.get(1).getFields().get(RedisSourceConstants.DEAD_LETTER_REASON_FIELD))
                .isEqualTo("missing required field(s) id");

        // the wrong-type key: DOWN with a clear message, and it recovers once the key is fixed
        await().atMost(Duration.ofSeconds(5)).until(() -> consumerOf(context, "wrong-type").connectionState().isDown());
        assertThat(consumerOf(context, "wrong-type").connectionState().problem().message())
                .contains("holds a string, not a stream");
        HealthCheck.Result health = health(context, "wrong-type").orElseThrow();
        assertThat(health.getState()).isEqualTo(HealthCheck.State.DOWN);
        assertThat(health.getMessage()).get().asString().contains("holds a string, not a stream");
        HealthCheck.Result healthy = health(context, "source").orElseThrow();
        assertThat(healthy.getState()).isEqualTo(HealthCheck.State.UP);
        assertThat(healthy.getDetails()).containsEntry("redis.entries.dead-lettered", 2L);
        redis.del(wrongKey);
        redis.xadd(wrongKey, XAddParams.xAddParams(), Map.of("after", "fix"));
        await().atMost(Duration.ofSeconds(10)).until(() -> delivered.contains(Map.of("from", "wrong-type")));
        assertThat(consumerOf(context, "wrong-type").connectionState().isDown()).isFalse();
    }

    @Test
    void anEntryIsAcknowledgedOnlyWhenEverySinkHasIt() throws Exception {
        List<String> ids = addEntries(20, 8);
        List<RedisEntry> archived = new CopyOnWriteArrayList<>();
        ExecutorService sinks = Executors.newFixedThreadPool(4);
        CamelContext context = startContext(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri("consumerName=c1&batchSize=20&minIdleTime=60000")).routeId("source")
                        .setProperty(RedisSourceConstants.MANUAL_ACK, constant(true))
                        .process(exchange -> {
                            @SuppressWarnings("unchecked")
                            List<RedisEntry> batch = exchange.getMessage().getBody(List.class);
                            batch.forEach(entry -> entry.ackAfter("mysql", "kafka", "hdfs"));
                            for (RedisEntry entry : batch) {
                                sinks.execute(() -> entry.done("mysql"));
                                if (entry.getFields().get("n").equals("13")) {
                                    sinks.execute(entry::release); // Kafka refused this one
                                } else {
                                    sinks.execute(() -> entry.done("kafka"));
                                }
                            }
                            archived.addAll(batch); // the archive aggregator acknowledges its part later
                        });
            }
        });
        RedisSourceConsumer consumer = consumerOf(context, "source");
        await().atMost(Duration.ofSeconds(5)).until(() -> archived.size() == 20
                && archived.stream().allMatch(entry -> !entry.getOutstandingParts().contains("mysql")));
        assertThat(pendingCount("dataflux")).isEqualTo(20);
        assertThat(consumer.getMetrics().inflightBatches()).isEqualTo(1);

        RedisEntry.doneAll(archived, "hdfs");
        sinks.shutdown();
        assertThat(sinks.awaitTermination(5, TimeUnit.SECONDS)).isTrue();

        List<StreamPendingEntry> pending = redis.xpending(key, "dataflux", XPendingParams.xPendingParams().count(100));
        assertThat(pending).extracting(entry -> entry.getID().toString()).containsExactly(ids.get(13));
        assertThat(archived).filteredOn(RedisEntry::isAcknowledged).hasSize(19);
        assertThat(consumer.getMetrics().acknowledged()).isEqualTo(19);
        // released or acknowledged, every entry is settled: the batch no longer holds its slot
        await().atMost(Duration.ofSeconds(2)).until(() -> consumer.getMetrics().inflightBatches() == 0);
    }

    @Test
    void idleConsumersWithNothingPendingAreForgottenAndTheOthersKept() throws Exception {
        addEntries(1, 8);
        redis.xgroupCreate(key, "dataflux", new StreamEntryID(0, 0), false);
        redis.xgroupCreateConsumer(key, "dataflux", "replaced-pod");
        // a consumer that died holding an entry: it must stay until the entry is claimed
        redis.xreadGroup("dataflux", "dead-pod", XReadGroupParams.xReadGroupParams().count(1),
                Map.of(key, StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
        startContext(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri("consumerName=c1&consumerCleanupIdleTime=300&claimInterval=100&minIdleTime=600000"))
                        .routeId("source").to("log:cleanup?level=DEBUG");
            }
        });

        await().atMost(Duration.ofSeconds(10)).until(() -> redis.xinfoConsumers2(key, "dataflux").stream()
                .map(consumer -> consumer.getName()).toList().equals(List.of("c1", "dead-pod")));
        assertThat(pendingCount("dataflux")).isEqualTo(1);
    }
}
