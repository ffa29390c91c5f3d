package io.dataflux.component.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.params.XAddParams;

import io.dataflux.testing.RealServers;
import io.dataflux.testing.ServerKind;

/** Graceful stop, trimming of acknowledged history, and a dead-letter endpoint instead of the dead-letter stream. */
@RealServers(ServerKind.REDIS)
class RedisSourceLifecycleTest extends RedisSourceTestSupport {

    @Test
    void aGracefulStopStopsReadingLetsTheInflightExchangeFinishAndAcknowledgesIt() throws Exception {
        List<String> ids = addEntries(30, 8);
        CountDownLatch inRoute = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        CamelContext context = startContext(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri("consumerName=c1&batchSize=5&maxInflightBatches=3")).routeId("source")
                        .threads(1)
                        .process(exchange -> {
                            inRoute.countDown();
                            assertThat(finish.await(10, TimeUnit.SECONDS)).isTrue();
                        });
            }
        });
        RedisSourceConsumer consumer = consumerOf(context, "source");
        assertThat(inRoute.await(5, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<Void> stopping = CompletableFuture.runAsync(context::stop);
        // Camel's graceful shutdown suspends the consumer (no more reads) while the exchange in flight finishes
        await().atMost(Duration.ofSeconds(5)).until(() -> consumer.isSuspendingOrSuspended() || consumer.isStoppingOrStopped());
        finish.countDown();
        stopping.get(20, TimeUnit.SECONDS);

        // what was read (at most maxInflightBatches batches) finished and was acknowledged; the rest was never read
        long read = consumer.getMetrics().read();
        assertThat(read).isBetween(5L, 15L);
        assertThat(consumer.getMetrics().acknowledged()).isEqualTo(read);
        assertThat(pendingCount("dataflux")).isZero();
        assertThat(redis.xinfoGroups(key).get(0).getLastDeliveredId().toString()).isEqualTo(ids.get((int) read - 1));
    }

    @Test
    void acknowledgedHistoryIsTrimmedWhenAsked() throws Exception {
        addEntries(2_000, 8);
        CamelContext context = startContext(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri("consumerName=c1&batchSize=500&trim=ACKED&claimInterval=100&minIdleTime=300"))
                        .routeId("source").to("log:trimmed?level=DEBUG");
            }
        });
        RedisSourceConsumer consumer = consumerOf(context, "source");
        await().atMost(Duration.ofSeconds(10)).until(() -> consumer.getMetrics().acknowledged() == 2_000);
        // approximate trimming (~) drops whole stream nodes (100 entries by default), never unacknowledged entries
        await().atMost(Duration.ofSeconds(10)).until(() -> redis.xlen(key) <= 200);
        assertThat(pendingCount("dataflux")).isZero();
    }

    @Test
    void deadLettersGoToTheDeadLetterEndpointWithTheirReason() throws Exception {
        redis.xadd(key.getBytes(), XAddParams.xAddParams(), Map.of("body".getBytes(), new byte[] {(byte) 0xFE}));
        CamelContext context = startContext(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri("consumerName=c1&deadLetterUri=mock:dead")).routeId("source").to("mock:records");
            }
        });
        MockEndpoint dead = context.getEndpoint("mock:dead", MockEndpoint.class);
        dead.expectedMessageCount(1);
        dead.expectedHeaderReceived(RedisSourceConstants.DEAD_LETTER_REASON, "field 'body' is not valid UTF-8");
        dead.assertIsSatisfied(TimeUnit.SECONDS.toMillis(10));
        assertThat(dead.getExchanges().get(0).getMessage().getBody(byte[].class)).as("the exact bytes, not re-encoded")
                .containsExactly((byte) 0xFE);
        assertThat(context.getEndpoint("mock:records", MockEndpoint.class).getReceivedCounter()).isZero();
        assertThat(redis.exists(key + ":dead-letter")).isFalse();
        await().atMost(Duration.ofSeconds(5)).until(() -> pendingCount("dataflux") == 0);
    }
}
