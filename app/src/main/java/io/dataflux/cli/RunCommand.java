package io.dataflux.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

import io.dataflux.config.ConfigurationCheck;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * Runs the pipeline until it is stopped (SIGTERM or Ctrl-C: a graceful stop). What the production jar does by default.
 * Exits 2 when the configuration or a route file is wrong (found by the configuration check, or while Camel binds the
 * properties and loads the route files), 1 when the pipeline cannot start for another reason (a server).
 */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Run the pipeline against the servers the configuration names (the default command).")
final class RunCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @Mixin
    ConfigOptions config = new ConfigOptions();

    @Override
    public Integer call() {
        // plain lines on standard error, before any logging: the first thing an engineer sees
        boolean valid = config.configurationValid(problems -> {
            problems.forEach(problem -> System.err.println("Configuration: " + problem));
            System.err.println("DataFlux did not start: " + problems.size() + " configuration problem(s)");
        });
        if (!valid) {
            return ConfigOptions.BAD_CONFIGURATION;
        }
        ConfigurationCheck check = config.configurationCheck();
        Main main = config.newMain(Map.of());
        // Camel Main binds the properties and loads every route file before afterConfigure, and starts the routes
        // (connecting to the servers) after it
        AtomicBoolean configured = new AtomicBoolean();
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void afterConfigure(BaseMainSupport camelMain) {
                configured.set(true);
            }
        });
        try {
            return main.run(new String[0]);
        } catch (Exception e) {
            // a pipeline that cannot start must exit non-zero, or a supervisor (Kubernetes, systemd) never learns of it
            LOG.error("DataFlux failed to start: {}", check.explain(e), e);
            if (!configured.get()) {
                // as the configuration check's problems: a plain line on standard error, the file and line named
                System.err.println("DataFlux did not start: a property or a route file is wrong: " + check.explain(e));
                return 2;
            }
            return 1;
        }
    }
}
