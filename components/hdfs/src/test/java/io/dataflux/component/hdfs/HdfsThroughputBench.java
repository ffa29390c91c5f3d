package io.dataflux.component.hdfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.camel.Exchange;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.service.ServiceHelper;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Write throughput of the producer into the MiniDFSCluster: 1 KB JSON records, files rolled at 64 MB, hsync per
 * exchange. Not part of the default run (tag bench); run it with
 * {@code ./mvnw -B -q test -Dtest=HdfsThroughputBench -Dsurefire.excludedGroups=none}.
 */
@Tag("bench")
class HdfsThroughputBench extends HdfsTestSupport {

    private static final int RECORD_BYTES = 1024;
    private static final String OPTIONS = "rollSize=67108864&rollAge=0&replication=1&instanceId=bench";

    @Test
    void throughput() throws Exception {
        List<String> report = new ArrayList<>();
        report.add(run("batches of 1000 records (1 MB) per exchange, 1 thread", 1000, 1, 10, OPTIONS));
        report.add(run("batches of 250 records per exchange, 4 threads, one partition", 250, 4, 8, OPTIONS));
        report.add(run("1 record per exchange, 1 thread", 1, 1, 5, OPTIONS));
        report.add(run("batches of 1000 records per exchange, 1 thread, syncMode=HFLUSH (for comparison)", 1000, 1, 6,
                OPTIONS + "&syncMode=HFLUSH"));
        System.out.println("\nhdfs producer throughput (MiniDFSCluster, 1 DataNode, 1 KB records, roll at 64 MB, hsync unless said):");
        report.forEach(line -> System.out.println("  " + line));
    }

    private String run(String scenario, int recordsPerExchange, int threads, int seconds, String options) throws Exception {
        String dir = "/" + recordsPerExchange + "x" + threads + (options.contains("HFLUSH") ? "-hflush" : "");
        Producer producer = startedProducer(hdfs(dir, options));
        List<String> batch = new ArrayList<>();
        for (int i = 0; i < recordsPerExchange; i++) {
            batch.add(record(i));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long began = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<Long>> counts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            counts.add(pool.submit(() -> {
                long exchanges = 0;
                while (System.nanoTime() < deadline) {
                    Exchange exchange = new DefaultExchange(context);
                    exchange.getMessage().setBody(batch);
                    producer.process(exchange);
                    exchanges++;
                }
                return exchanges;
            }));
        }
        long exchanges = 0;
        for (Future<Long> count : counts) {
            exchanges += count.get();
        }
        double elapsed = (System.nanoTime() - began) / 1e9;
        pool.shutdown();
        ServiceHelper.stopService(producer);

        HdfsEndpoint endpoint = context.getEndpoint(hdfs(dir, options), HdfsEndpoint.class);
        long records = endpoint.getMetrics().getRecordsWritten();
        long bytes = endpoint.getMetrics().getBytesWritten();
        assertThat(records).isEqualTo(exchanges * recordsPerExchange);
        assertThat(reader.getContentSummary(new Path(base + dir)).getLength()).isEqualTo(bytes);
        String line = String.format(Locale.ROOT, "%s: %.1f MB/s, %.0f records/s, %.0f exchanges/s (%d records in %.1f s, %d files)",
                scenario, bytes / elapsed / 1e6, records / elapsed, exchanges / elapsed, records, elapsed,
                endpoint.getMetrics().getRolls());
        reader.delete(new Path(base + dir), true);
        return line;
    }

    /** A JSON line of exactly 1 KB with its newline. */
    private static String record(int i) {
        String head = "{\"id\":\"post-" + i + "\",\"text\":\"";
        String tail = "\"}";
        return head + "x".repeat(RECORD_BYTES - 1 - head.length() - tail.length()) + tail;
    }
}
