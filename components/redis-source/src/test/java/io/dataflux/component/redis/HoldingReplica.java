package io.dataflux.component.redis;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * A replica in a JVM of its own for kill -9 tests: it consumes with manual acknowledgement, never acknowledges, prints
 * "HELD n" after each batch and runs until killed. Arguments: the redis-source URI.
 */
public final class HoldingReplica {

    private HoldingReplica() {
    }

    public static void main(String[] args) throws Exception {
        String uri = args[0];
        CamelContext context = new DefaultCamelContext();
        AtomicInteger held = new AtomicInteger();
        // a lambda, not a RouteBuilder subclass: Camel Main's package scan in other tests must not find it
        RouteBuilder.addRoutes(context, routes -> routes.from(uri).routeId("holding")
                .process(exchange -> {
                    System.out.println("HELD " + held.addAndGet(exchange.getMessage().getBody(List.class).size()));
                    System.out.flush();
                }));
        context.start();
        new CountDownLatch(1).await();
    }
}
