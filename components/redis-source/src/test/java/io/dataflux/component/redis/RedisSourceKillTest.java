package io.dataflux.component.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

import io.dataflux.testing.RealServers;
import io.dataflux.testing.ServerKind;

/** A replica in another JVM is killed with SIGKILL in the middle of its batches; the survivor gets all its work. */
@RealServers(ServerKind.REDIS)
class RedisSourceKillTest extends RedisSourceTestSupport {

    @Test
    void streamModeTheSurvivorClaimsTheEntriesOfAKilledReplica() throws Exception {
        List<String> ids = addEntries(40, 16);
        killReplicaHolding(uri("consumerName=doomed&manualAck=true&batchSize=25&maxInflightBatches=1"), 25);

        Set<String> seen = ConcurrentHashMap.newKeySet();
        startContext(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri("consumerName=survivor&minIdleTime=500&claimInterval=100")).routeId("survivor")
                        .process(exchange -> exchange.getMessage().getBody(List.class)
                                .forEach(entry -> seen.add(((RedisEntry) entry).getId())));
            }
        });

        await().atMost(Duration.ofSeconds(15)).until(() -> seen.size() == 40);
        await().atMost(Duration.ofSeconds(5)).until(() -> pendingCount("dataflux") == 0);
        assertThat(seen).containsExactlyInAnyOrderElementsOf(ids);
    }

    @Test
    void listModeTheReaperReturnsTheItemsOfAKilledReplica() throws Exception {
        List<String> items = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            items.add("item-" + i);
        }
        redis.lpush(key, items.toArray(String[]::new));
        killReplicaHolding(uri("mode=list&consumerName=doomed&manualAck=true&batchSize=25&maxInflightBatches=1"
                + "&heartbeatTtl=600"), 25);
        assertThat(redis.llen(ListQueue.processingKey(key, "doomed"))).isEqualTo(25);

        Set<String> seen = ConcurrentHashMap.newKeySet();
        AtomicInteger deliveries = new AtomicInteger();
        startContext(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri("mode=list&consumerName=survivor&reaperInterval=100")).routeId("survivor")
                        .process(exchange -> exchange.getMessage().getBody(List.class).forEach(entry -> {
                            deliveries.incrementAndGet();
                            seen.add(((RedisEntry) entry).getValue());
                        }));
            }
        });

        await().atMost(Duration.ofSeconds(15)).until(() -> seen.size() == 40);
        await().atMost(Duration.ofSeconds(5)).until(() -> redis.llen(ListQueue.processingKey(key, "survivor")) == 0);
        assertThat(seen).containsExactlyInAnyOrderElementsOf(items);
        assertThat(deliveries).hasValue(40);
        assertThat(redis.exists(ListQueue.processingKey(key, "doomed"))).isFalse();
        assertThat(redis.llen(key)).isZero();
    }

    /** Starts a HoldingReplica JVM, waits until it holds the given number of entries, and kills it with SIGKILL. */
    private void killReplicaHolding(String uri, int entries) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process replica = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                HoldingReplica.class.getName(), uri).redirectErrorStream(true).start();
        // a replica that never gets there must not hang the test
        CompletableFuture.runAsync(replica::destroyForcibly, CompletableFuture.delayedExecutor(30, TimeUnit.SECONDS));
        try {
            BufferedReader output = new BufferedReader(new InputStreamReader(replica.getInputStream(),
                    StandardCharsets.UTF_8));
            List<String> lines = new ArrayList<>();
            for (String line; (line = output.readLine()) != null; ) {
                lines.add(line);
                if (line.equals("HELD " + entries)) {
                    break;
                }
            }
            assertThat(lines).as("the replica's output").contains("HELD " + entries);
        } finally {
            replica.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup
            assertThat(replica.waitFor(10, TimeUnit.SECONDS)).isTrue();
        }
    }
}
