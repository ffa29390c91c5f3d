package io.dataflux.testing;

import java.util.Arrays;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/** Starts the servers a class asks for with {@link RealServers}, and stops all of them when the test run ends. */
public final class RealServersExtension implements BeforeAllCallback {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(RealServersExtension.class);

    /** Kept in the root store, which JUnit closes once, after the last test class. */
    private static final class StopAtEndOfRun implements AutoCloseable {
        @Override
        public void close() {
            TestServers.stopAll();
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(StopAtEndOfRun.class, type -> new StopAtEndOfRun());
        AnnotationSupport.findAnnotation(context.getRequiredTestClass(), RealServers.class)
                .ifPresent(servers -> TestServers.start(Arrays.asList(servers.value())));
    }
}
