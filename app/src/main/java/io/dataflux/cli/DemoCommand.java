package io.dataflux.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * The demo needs embedded Redis, MariaDB, Kafka and HDFS, which the production jar does not carry: it runs from a
 * checkout ({@code ./dataflux demo}), where the demo classes are on the class path; the jar explains that.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, description = "Run the whole pipeline on embedded servers with sample data "
        + "(from a checkout: ./dataflux demo --help).")
final class DemoCommand implements Callable<Integer> {

    static final String DEMO_CLASS = "io.dataflux.demo.Demo";

    /** The demo's own options (./dataflux demo --help), passed on as they are. */
    @Unmatched
    List<String> options = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        Class<?> demo;
        try {
            demo = Class.forName(DEMO_CLASS);
        } catch (ClassNotFoundException notHere) {
            System.err.println("The demo starts embedded servers, which the production jar does not carry."
                    + " Run it from a checkout: ./dataflux demo");
            return 2;
        }
        return (Integer) demo.getMethod("run", String[].class).invoke(null, (Object) options.toArray(String[]::new));
    }
}
