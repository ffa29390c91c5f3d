package io.dataflux.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class DeliveryTest {

    @Test
    void completesOnlyWhenBothPartsAreDoneInEitherOrder() {
        Delivery sinksFirst = new Delivery("a");
        assertThat(sinksFirst.sinksDone()).isFalse();
        assertThat(sinksFirst.archived()).isTrue();

        Delivery archiveFirst = new Delivery("b");
        assertThat(archiveFirst.archived()).isFalse();
        assertThat(archiveFirst.isComplete()).isFalse();
        assertThat(archiveFirst.sinksDone()).isTrue();
        assertThat(archiveFirst.isComplete()).isTrue();
    }

    @Test
    void aPartReportedTwiceIsABug() {
        Delivery delivery = new Delivery("c");
        delivery.sinksDone();
        delivery.archived();

        assertThatThrownBy(delivery::archived).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void exactlyOneThreadSeesTheCompletionUnderContention() throws Exception {
        List<Delivery> deliveries = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            deliveries.add(new Delivery(i));
        }
        AtomicInteger completions = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        Thread sinks = new Thread(() -> {
            await(start);
            deliveries.forEach(d -> completions.addAndGet(d.sinksDone() ? 1 : 0));
        });
        Thread archive = new Thread(() -> {
            await(start);
            deliveries.forEach(d -> completions.addAndGet(d.archived() ? 1 : 0));
        });
        sinks.start();
        archive.start();
        start.countDown();
        sinks.join();
        archive.join();

        assertThat(completions).hasValue(10_000);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
