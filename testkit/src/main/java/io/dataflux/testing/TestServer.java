package io.dataflux.testing;

import java.time.Duration;
import java.util.Map;

/** A real server started for the tests, and what Camel needs to reach it. */
public interface TestServer extends AutoCloseable {

    /** What runs, e.g. "redis-server 7.0.15 (system) on 127.0.0.1:41234". */
    String description();

    /** Application properties (dataflux.*) that point DataFlux at this server; tests pass them as Camel overrides. */
    Map<String, String> camelProperties();

    /** How long the server took to start and answer. */
    Duration startupTime();

    /** What the run used of the server that a leak would grow (e.g. connections), for the end-of-run summary; "" if none. */
    default String usage() {
        return "";
    }

    /** Peak resident memory of the server's own process in kilobytes; -1 when it runs inside the test JVM. */
    default long peakRssKb() {
        return -1;
    }

    @Override
    void close() throws Exception;
}
