package io.dataflux.component.hdfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.Exchange;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.service.ServiceHelper;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;

/** The commit protocol (in-progress name, rename when complete), durability before the roll, and graceful shutdown. */
class HdfsCommitProtocolTest extends HdfsTestSupport {

    @Test
    void aConcurrentListingNeverShowsAPartialFinalFile() throws Exception {
        String uri = hdfs("", "rollCount=4&rollAge=0&instanceId=commit");
        int exchanges = 60;
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger finalFilesChecked = new AtomicInteger();
        reader.mkdirs(new Path(base));
        ExecutorService lister = Executors.newSingleThreadExecutor();
        Future<?> listing = lister.submit(() -> {
            while (writing.get()) {
                for (FileStatus status : reader.listStatus(new Path(base))) {
                    String name = status.getPath().getName();
                    if (name.startsWith("_")) {
                        assertThat(name).endsWith(".jsonl.opened");
                        continue;
                    }
                    // a final name must hold a complete file: four whole records, never fewer
                    String content = read(status.getPath().toUri().getPath());
                    assertThat(content).matches("(record-\\d+-x{200}\n){4}");
                    finalFilesChecked.incrementAndGet();
                }
            }
            return null;
        });
        try {
            for (int i = 0; i < exchanges; i++) {
                template.requestBody(uri, "record-" + i + "-" + "x".repeat(200));
            }
        } finally {
            writing.set(false);
            lister.shutdown();
        }
        listing.get();
        assertThat(finalFilesChecked.get()).isPositive();
        assertThat(names(base)).hasSize(exchanges / 4).noneMatch(name -> name.startsWith("_"));
    }

    @Test
    void aSecondClientReadsTheBytesOfACompletedExchangeBeforeTheRoll() throws Exception {
        Producer producer = startedProducer(hdfs("", "rollAge=0&instanceId=durable"));
        try {
            Exchange first = exchange(List.of("{\"id\":\"a\"}", "{\"id\":\"b\"}"));
            producer.process(first);
            List<String> open = names(base);
            assertThat(open).singleElement().asString().startsWith("_part-durable-");
            // another client, while the file is still open and under its in-progress name
            assertThat(read(base + "/" + open.get(0))).isEqualTo("{\"id\":\"a\"}\n{\"id\":\"b\"}\n");

            producer.process(exchange("{\"id\":\"c\"}"));
            assertThat(read(base + "/" + open.get(0))).isEqualTo("{\"id\":\"a\"}\n{\"id\":\"b\"}\n{\"id\":\"c\"}\n");
            assertThat(first.getMessage().getHeader(HdfsConstants.PATH, String.class))
                    .isEqualTo(base + "/" + open.get(0).substring(1, open.get(0).length() - ".opened".length()));
        } finally {
            ServiceHelper.stopService(producer);
        }
    }

    @Test
    void shutdownCommitsEveryOpenFile() throws Exception {
        String uri = hdfs("", "rollAge=0&instanceId=stop");
        Producer producer = startedProducer(uri);
        for (String partition : List.of("a", "b", "c")) {
            Exchange exchange = exchange("record of " + partition);
            exchange.getMessage().setHeader(HdfsConstants.PARTITION, partition);
            producer.process(exchange);
        }
        assertThat(filesUnder(base)).hasSize(3).allMatch(path -> path.endsWith(".opened"));

        ServiceHelper.stopService(producer);

        List<String> files = filesUnder(base);
        assertThat(files).hasSize(3).noneMatch(path -> path.contains("/_"));
        for (String partition : List.of("a", "b", "c")) {
            assertThat(files).filteredOn(path -> path.startsWith(base + "/" + partition + "/")).singleElement()
                    .satisfies(path -> assertThat(read(path)).isEqualTo("record of " + partition + "\n"));
        }
        assertThat(context.getEndpoint(uri, HdfsEndpoint.class).getMetrics().getRolls(RollReason.SHUTDOWN)).isEqualTo(3);
    }

    @Test
    void whatAShutdownCutShortLeavesInProgressIsCommittedAtTheNextStart() throws Exception {
        String uri = hdfs("", "rollAge=0&shutdownTimeout=1&instanceId=short");
        Producer producer = startedProducer(uri);
        for (String partition : List.of("a", "b", "c")) {
            Exchange exchange = exchange("record of " + partition);
            exchange.getMessage().setHeader(HdfsConstants.PARTITION, partition);
            producer.process(exchange);
        }
        long began = System.nanoTime();
        ServiceHelper.stopService(producer);
        assertThat((System.nanoTime() - began) / 1_000_000).as("stop took (ms)").isLessThan(5_000);

        Producer restarted = startedProducer(uri);
        ServiceHelper.stopService(restarted);

        List<String> files = filesUnder(base);
        assertThat(files).hasSize(3).noneMatch(path -> path.contains("/_"));
        for (String partition : List.of("a", "b", "c")) {
            assertThat(files).filteredOn(path -> path.startsWith(base + "/" + partition + "/")).singleElement()
                    .satisfies(path -> assertThat(read(path)).isEqualTo("record of " + partition + "\n"));
        }
    }

    @Test
    void parallelWritersNeverInterleaveRecordsAndTwoInstancesNeverShareAName() throws Exception {
        String instanceA = hdfs("", "rollCount=7&rollAge=0&instanceId=replica-a");
        String instanceB = hdfs("", "rollCount=5&rollAge=0&instanceId=replica-b");
        int perThread = 25;
        ExecutorService threads = Executors.newFixedThreadPool(4);
        List<Future<?>> done = new ArrayList<>();
        Set<String> sent = ConcurrentHashMap.newKeySet();
        for (int t = 0; t < 4; t++) {
            String uri = t % 2 == 0 ? instanceA : instanceB;
            int thread = t;
            done.add(threads.submit(() -> {
                for (int i = 0; i < perThread; i++) {
                    String record = "t" + thread + "-r" + i + "-" + "y".repeat(100);
                    template.requestBody(uri, List.of(record));
                    sent.add(record);
                }
            }));
        }
        for (Future<?> future : done) {
            future.get();
        }
        threads.shutdown();
        context.stop(); // commits the last open files of both producers

        List<String> files = filesUnder(base);
        assertThat(files).noneMatch(path -> path.contains("/_"));
        assertThat(files).filteredOn(path -> path.contains("part-replica-a-")).hasSize(2 * perThread / 7 + 1);
        assertThat(files).filteredOn(path -> path.contains("part-replica-b-")).hasSize(2 * perThread / 5);
        List<String> written = new ArrayList<>();
        for (String file : files) {
            for (String line : read(file).split("\n")) {
                written.add(line);
            }
        }
        assertThat(written).hasSize(4 * perThread).containsExactlyInAnyOrderElementsOf(sent);
    }

    @Test
    void timedRollsRacingParallelWritesLoseAndSplitNothing() throws Exception {
        String uri = hdfs("", "rollAge=200&checkIdleInterval=50&instanceId=race");
        HdfsMetrics metrics = context.getEndpoint(uri, HdfsEndpoint.class).getMetrics();
        ExecutorService threads = Executors.newFixedThreadPool(3);
        Set<String> sent = ConcurrentHashMap.newKeySet();
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            int thread = t;
            done.add(threads.submit(() -> {
                // write until the timer has rolled files under the writers' feet a few times
                for (int i = 0; metrics.getRolls(RollReason.AGE) < 3 && i < 5000; i++) {
                    String record = "t" + thread + "-r" + i;
                    template.requestBody(uri, record);
                    sent.add(record);
                }
            }));
        }
        for (Future<?> future : done) {
            future.get();
        }
        threads.shutdown();
        context.stop();

        assertThat(metrics.getRolls(RollReason.AGE)).isGreaterThanOrEqualTo(3);
        List<String> written = new ArrayList<>();
        for (String file : filesUnder(base)) {
            assertThat(file).doesNotContain("/_");
            written.addAll(List.of(read(file).split("\\n")));
        }
        assertThat(written).containsExactlyInAnyOrderElementsOf(sent);
    }

    private Exchange exchange(Object body) {
        Exchange exchange = new DefaultExchange(context);
        exchange.getMessage().setBody(body);
        return exchange;
    }
}
