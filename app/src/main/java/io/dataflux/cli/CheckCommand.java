package io.dataflux.cli;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.stream.Stream;

import io.dataflux.config.ConfigurationCheck;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.main.Main;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * Says whether DataFlux could run here, and if not exactly why: the configuration (unknown keys, wrong values), the
 * route files (loaded, not started), then each server it needs, tried with the configured address and credentials.
 */
@Command(name = "check", mixinStandardHelpOptions = true, description = "Validate the configuration and the route files, then try Redis, MySQL, Kafka "
        + "and HDFS and say exactly what is wrong. Exit 0 when everything answers.")
final class CheckCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions config = new ConfigOptions();

    @Override
    public Integer call() {
        boolean valid = config.configurationValid(problems -> {
            report(ServerChecks.Result.fail("config", problems.size() + " problem(s)"));
            problems.forEach(problem -> System.out.println("       " + problem));
        });
        if (!valid) {
            return ConfigOptions.BAD_CONFIGURATION;
        }
        ConfigurationCheck configurationCheck = config.configurationCheck();
        Main main;
        try {
            main = config.startIdle();
        } catch (Exception e) {
            report(ServerChecks.Result.fail("routes", configurationCheck.explain(e)));
            return ConfigOptions.BAD_CONFIGURATION;
        }
        try {
            CamelContext context = main.getCamelContext();
            List<Route> routes = context.getRoutes();
            // Java DSL routes (camel.main.routes-builder-classes) have no source file
            List<Route> fromFiles = routes.stream().filter(route -> route.getSourceLocationShort() != null).toList();
            long files = fromFiles.stream().map(route -> route.getSourceLocationShort().replaceFirst(":\\d+$", ""))
                    .distinct().count();
            int javaRoutes = routes.size() - fromFiles.size();
            report(ServerChecks.Result.ok("config", "valid; " + fromFiles.size() + " routes from " + files
                    + " route files load" + (javaRoutes > 0 ? ", " + javaRoutes + " from the Java DSL" : "")
                    + (config.effectiveProfile() != null ? "; profile " + config.effectiveProfile() : "")));
            // the idle start turned migration off: what matters is whether a real start would migrate
            boolean migrates = Boolean.parseBoolean(configurationCheck.configuredValue("dataflux.mysql.migrate").orElse("true"));
            ServerChecks servers = new ServerChecks(context, migrates);
            // the four are tried at once: an unreachable server costs its time-out once, not four in a row
            List<CompletableFuture<ServerChecks.Result>> checks = Stream.<Supplier<ServerChecks.Result>>of(
                    servers::redis, servers::mysql, servers::kafka, servers::hdfs)
                    .map(CompletableFuture::supplyAsync).toList();
            List<ServerChecks.Result> results = checks.stream().map(CompletableFuture::join).toList();
            results.forEach(CheckCommand::report);
            long failed = results.stream().filter(result -> !result.ok()).count();
            System.out.println(failed == 0 ? "All servers answer: DataFlux can run here."
                    : failed + " of " + results.size() + " servers failed the check.");
            return failed == 0 ? 0 : 1;
        } finally {
            main.stop();
        }
    }

    private static void report(ServerChecks.Result result) {
        System.out.printf("%-7s %-5s %s%n", result.name(), result.ok() ? "OK" : "FAIL", result.detail());
    }
}
