package io.dataflux.testing;

import java.util.Properties;
import java.util.Set;

import io.dataflux.DataFluxApplication;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.junit5.CamelContextConfiguration;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;

/**
 * Base of tests that run DataFlux as Camel Main runs it (application.properties, the route files, the beans), pointed
 * at the real servers the test class names with {@link RealServers}, plus any overrides the test adds.
 */
public abstract class DataFluxCamelTest extends CamelMainTestSupport {

    @Override
    protected Class<?> getMainClass() {
        return DataFluxApplication.class;
    }

    /** Test classes define their own routes; the package scan must not pick up those of other test classes. */
    @Override
    protected void configure(MainConfigurationProperties configuration) {
        configuration.setJavaRoutesExcludePattern("**/*Test*");
    }

    @Override
    public void configureContext(CamelContextConfiguration configuration) {
        super.configureContext(configuration);
        Properties overrides = new Properties();
        RealServers servers = getClass().getAnnotation(RealServers.class);
        Set<ServerKind> kinds = servers == null ? Set.of() : Set.of(servers.value());
        overrides.putAll(TestServers.camelProperties(kinds.toArray(ServerKind[]::new)));
        // what a test did not ask a server for stays off; consuming from Redis is for the tests that ask for it
        overrides.put("dataflux.mysql.migrate", Boolean.toString(kinds.contains(ServerKind.MARIADB)));
        overrides.put("dataflux.hdfs.connect-on-startup", Boolean.toString(kinds.contains(ServerKind.HDFS)));
        overrides.put("dataflux.ingest.auto-startup", "false");
        // the management server (health, metrics) on a port of its own: other test JVMs may run on this host
        overrides.putAll(ManagementEndpoint.onFreePort().camelProperties());
        overrides.putAll(testProperties());
        configuration.withUseOverridePropertiesWithPropertiesComponent(overrides);
    }

    /** Extra property overrides for this test class. */
    protected Properties testProperties() {
        return new Properties();
    }
}
