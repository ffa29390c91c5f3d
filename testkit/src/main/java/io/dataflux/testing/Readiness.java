package io.dataflux.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a server until it answers, failing early, with its output, when its process dies. */
final class Readiness {

    private Readiness() {
    }

    static void await(String what, Duration timeout, ExternalProcess process, BooleanSupplier ready)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ready.getAsBoolean()) {
            if (process != null && !process.isAlive()) {
                throw new IllegalStateException(what + " exited before it was ready:\n" + process.logTail());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + " not ready after " + timeout
                        + (process == null ? "" : ":\n" + process.logTail()));
            }
            Thread.sleep(20);
        }
    }
}
