package io.dataflux.component.redis;

import java.util.List;
import java.util.concurrent.CountDownLatch;

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
        context.addRoutes(new RouteBuilder() {
            private int held;

            @Override
            public void configure() {
                from(uri).routeId("holding")
                        .process(exchange -> {
                            held += exchange.getMessage().getBody(List.class).size();
                            System.out.println("HELD " + held);
                            System.out.flush();
                        });
            }
        });
        context.start();
        new CountDownLatch(1).await();
    }
}
