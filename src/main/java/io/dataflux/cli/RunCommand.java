package io.dataflux.cli;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import io.dataflux.config.ConfigurationCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Runs the pipeline until it is stopped (SIGTERM or Ctrl-C: a graceful stop). What the production jar does by default. */
@Command(name = "run", description = "Run the pipeline against the servers the configuration names (the default command).")
final class RunCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @Mixin
    ConfigOptions config = new ConfigOptions();

    @Override
    public Integer call() {
        ConfigurationCheck check = config.configurationCheck();
        List<String> problems = check.problems();
        if (!problems.isEmpty()) {
            // plain lines on standard error, before any logging: the first thing an engineer sees
            problems.forEach(problem -> System.err.println("Configuration: " + problem));
            System.err.println("DataFlux did not start: " + problems.size() + " configuration problem(s)");
            return 2;
        }
        try {
            return config.newMain(Map.of()).run(new String[0]);
        } catch (Exception e) {
            // a pipeline that cannot start must exit non-zero, or a supervisor (Kubernetes, systemd) never learns of it
            LOG.error("DataFlux failed to start: {}", check.explain(e), e);
            return 1;
        }
    }
}
