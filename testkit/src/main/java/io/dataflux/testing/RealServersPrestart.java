package io.dataflux.testing;

import java.util.EnumSet;
import java.util.Set;

import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the whole test plan before the first test runs and starts, in the background and in parallel, every server
 * that some selected test class names with {@link RealServers}: a run of one class starts only what it needs, a full
 * run pays the start-up of the slowest server once instead of the sum of all four.
 */
public final class RealServersPrestart implements TestExecutionListener {

    private static final Logger LOG = LoggerFactory.getLogger(RealServersPrestart.class);

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        Set<ServerKind> needed = EnumSet.noneOf(ServerKind.class);
        testPlan.getRoots().forEach(root -> testPlan.getDescendants(root).forEach(test -> collect(test, needed)));
        if (needed.isEmpty()) {
            return;
        }
        LOG.info("starting test servers {} in parallel", needed);
        TestServers.startInBackground(needed);
    }

    private static void collect(TestIdentifier test, Set<ServerKind> needed) {
        test.getSource()
                .filter(ClassSource.class::isInstance)
                .map(source -> ((ClassSource) source).getJavaClass())
                .flatMap(type -> AnnotationSupport.findAnnotation(type, RealServers.class))
                .ifPresent(servers -> needed.addAll(Set.of(servers.value())));
    }
}
