package io.dataflux.karaf;

import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.Hashtable;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.dataflux.config.ConfigurationCheck;
import io.dataflux.config.PropertySources;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.Configuration;
import org.apache.camel.main.Main;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ManagedService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs DataFlux's Camel Main inside Karaf. The configuration is the ConfigAdmin PID {@code io.dataflux}, i.e. Karaf's
 * {@code etc/io.dataflux.cfg}: its entries override application.properties, and a change restarts Camel with them.
 * Camel runs on a thread whose context class loader is this bundle's, so Camel, Hadoop, Kafka and the JDBC driver find
 * their service files and classes among the embedded jars (and so do the threads Camel starts from it).
 */
public final class DataFluxActivator implements BundleActivator, ManagedService {

    static final String PID = "io.dataflux";
    private static final Logger LOG = LoggerFactory.getLogger(DataFluxActivator.class);
    /** Camel's graceful shutdown (camel.main.shutdown-timeout) plus a margin. */
    private static final long STOP_TIMEOUT_SECONDS = 90;

    private Bundle bundle;
    private ExecutorService lifecycle;
    private ServiceRegistration<ManagedService> registration;
    /** Only touched on the lifecycle thread. */
    private Main main;
    private Properties applied;

    @Override
    public void start(BundleContext context) {
        bundle = context.getBundle();
        ClassLoader bundleLoader = DataFluxActivator.class.getClassLoader();
        // one thread starts and stops Camel, in the order ConfigAdmin's updates came
        lifecycle = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "dataflux-lifecycle");
            thread.setContextClassLoader(bundleLoader);
            return thread;
        });
        Hashtable<String, Object> serviceProperties = new Hashtable<>();
        serviceProperties.put(Constants.SERVICE_PID, PID);
        // ConfigAdmin calls updated() with etc/io.dataflux.cfg's entries (or null when there is none), then on each change
        registration = context.registerService(ManagedService.class, this, serviceProperties);
    }

    @Override
    public void updated(Dictionary<String, ?> configuration) {
        Properties properties = toProperties(configuration);
        try {
            lifecycle.execute(() -> apply(properties));
        } catch (RejectedExecutionException stopping) {
            LOG.debug("configuration update while the bundle stops: ignored");
        }
    }

    @Override
    public void stop(BundleContext context) throws Exception {
        registration.unregister();
        try {
            lifecycle.submit(this::stopCamel).get(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            LOG.warn("DataFlux did not stop within {} s", STOP_TIMEOUT_SECONDS);
        } finally {
            lifecycle.shutdownNow();
        }
    }

    private void apply(Properties properties) {
        if (properties.equals(applied) && main != null) {
            return; // ConfigAdmin re-delivers an unchanged configuration, e.g. when the file is touched
        }
        // the application's own check (as its run command does): a misspelt key or a value of the wrong kind is named
        // with where it was written, and a running DataFlux is not stopped for a configuration that is wrong
        ConfigurationCheck check = configurationCheck(properties);
        List<String> problems = check.problems();
        if (!problems.isEmpty()) {
            problems.forEach(problem -> LOG.error("Configuration: {}", problem));
            LOG.error("etc/{}.cfg not applied ({} problem(s)): {}", PID, problems.size(),
                    main != null ? "DataFlux runs on with the previous configuration" : "DataFlux is not running");
            return;
        }
        stopCamel();
        applied = properties;
        Main starting = new Main();
        try {
            configurationClasses().forEach(starting.configure()::addConfiguration);
            Properties overrides = new Properties();
            overrides.setProperty("camel.main.routes-include-pattern", String.join(",", packagedRoutes()));
            overrides.putAll(properties);
            starting.setOverrideProperties(overrides);
            LOG.info("Starting DataFlux with {} setting(s) from etc/{}.cfg", properties.size(), PID);
            starting.start();
            main = starting;
        } catch (Exception | LinkageError e) {
            LOG.error("DataFlux did not start: {}. Fix etc/{}.cfg (a change starts it again)", check.explain(e), PID, e);
            try {
                starting.stop();
            } catch (Exception stopFailed) {
                LOG.debug("stopping the Camel that did not start", stopFailed);
            }
        }
    }

    private void stopCamel() {
        if (main == null) {
            return;
        }
        try {
            main.stop(); // graceful: in-flight batches finish, the archive commits its open files
        } catch (Exception e) {
            LOG.warn("DataFlux did not stop cleanly: {}", e.getMessage(), e);
        }
        main = null;
    }

    /**
     * The route files packaged in the bundle, by name: Camel's wildcard scan of classpath: cannot list the bundle's
     * entries. Setting camel.main.routes-include-pattern in etc/io.dataflux.cfg replaces them (e.g. with file: routes).
     */
    private List<String> packagedRoutes() {
        List<String> routes = new ArrayList<>();
        for (URL entry : entries("routes", "*.camel.*", false)) {
            routes.add("classpath:" + entry.getPath().substring(1));
        }
        Collections.sort(routes);
        if (routes.isEmpty()) {
            throw new IllegalStateException("the bundle holds no routes/*.camel.* files");
        }
        return routes;
    }

    /**
     * What Camel Main's base package scan finds in a plain JVM (the @Configuration classes under io.dataflux), found
     * through the bundle, because that scan cannot read bundle entries either.
     */
    @SuppressWarnings("unchecked")
    private List<Class<? extends CamelConfiguration>> configurationClasses() {
        List<Class<? extends CamelConfiguration>> classes = new ArrayList<>();
        ClassLoader loader = DataFluxActivator.class.getClassLoader();
        for (URL entry : entries("io/dataflux", "*.class", true)) {
            String path = entry.getPath().substring(1);
            if (path.contains("$") || path.endsWith("package-info.class") || path.startsWith("io/dataflux/karaf/")) {
                continue;
            }
            String name = path.substring(0, path.length() - ".class".length()).replace('/', '.');
            try {
                Class<?> candidate = Class.forName(name, false, loader);
                if (candidate.isAnnotationPresent(Configuration.class) && CamelConfiguration.class.isAssignableFrom(candidate)) {
                    classes.add((Class<? extends CamelConfiguration>) candidate);
                }
            } catch (ClassNotFoundException | LinkageError e) {
                LOG.debug("skipping {}: {}", name, e.toString()); // refers to an optional package Karaf does not have
            }
        }
        return classes;
    }

    private List<URL> entries(String path, String pattern, boolean recurse) {
        Enumeration<URL> found = bundle.findEntries(path, pattern, recurse);
        return found == null ? List.of() : Collections.list(found);
    }

    private static ConfigurationCheck configurationCheck(Properties fromEtc) {
        PropertySources sources = PropertySources.read(System.getenv(), null);
        List<PropertySources.Entry> entries = new ArrayList<>();
        String origin = "etc/" + PID + ".cfg";
        fromEtc.forEach((key, value) -> entries.add(new PropertySources.Entry(key.toString(), value.toString(), origin)));
        sources.add(entries);
        return new ConfigurationCheck(sources);
    }

    private static Properties toProperties(Dictionary<String, ?> configuration) {
        Properties properties = new Properties();
        if (configuration == null) {
            LOG.warn("No etc/{}.cfg: DataFlux runs on application.properties' defaults", PID);
            return properties;
        }
        for (Enumeration<String> keys = configuration.keys(); keys.hasMoreElements(); ) {
            String key = keys.nextElement();
            // ConfigAdmin's and File Install's own entries are not DataFlux settings
            if (key.startsWith("service.") || key.startsWith("felix.") || key.startsWith("org.apache.karaf.")) {
                continue;
            }
            properties.setProperty(key, String.valueOf(configuration.get(key)));
        }
        return properties;
    }
}
