package io.dataflux.bench.jmh;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.dataflux.sample.ForumPostGenerator;
import io.dataflux.enrich.PostCleaner;
import io.dataflux.enrich.PostDeriver;
import io.dataflux.enrich.PostParser;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * PostDeriver.derive on generated forum posts (about 1 KB: HTML, hashtags, mentions, links, emoji, CJK), as the
 * enrich route hands them over: parsed and cleaned. One post per operation, cycling over 1,000 posts.
 * Run with bench/jmh.sh. On a machine shared with other work, wall-clock times per operation grow with the load;
 * {@code bench/jmh.sh --cpu} measures the CPU time of the thread instead (main below).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PostDeriverBenchmark {

    private final PostDeriver deriver = new PostDeriver();
    private final List<Map<String, Object>> posts = new ArrayList<>();
    private int next;

    @Setup
    public void posts() {
        ForumPostGenerator generator = new ForumPostGenerator(42, "jmh-", 0.0, 65536, 700);
        PostParser parser = new PostParser();
        PostCleaner cleaner = new PostCleaner();
        for (int i = 0; i < 1000; i++) {
            Map<String, Object> post = parser.parse(generator.next().payload());
            cleaner.clean(post);
            posts.add(post);
        }
    }

    @Benchmark
    public Map<String, Object> derive() {
        Map<String, Object> post = new LinkedHashMap<>(posts.get(next));
        next = (next + 1) % posts.size();
        deriver.derive(post);
        return post;
    }

    /**
     * CPU time per derive (ThreadMXBean, this thread only, so other processes' load does not count): rounds of 20,000
     * posts after 10 rounds of warm-up; prints each round and the minimum and median in µs per post.
     */
    public static void main(String[] args) {
        PostDeriverBenchmark benchmark = new PostDeriverBenchmark();
        benchmark.posts();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        double[] micros = new double[rounds];
        long sink = 0;
        for (int round = -10; round < rounds; round++) {
            long began = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < 20_000; i++) {
                sink += benchmark.derive().size();
            }
            double perPost = (threads.getCurrentThreadCpuTime() - began) / 1e3 / 20_000;
            if (round >= 0) {
                micros[round] = perPost;
            }
        }
        double[] sorted = micros.clone();
        Arrays.sort(sorted);
        System.out.printf("PostDeriver.derive CPU µs per post over %d rounds of 20,000: min %.1f, median %.1f, max %.1f "
                + "(rounds: %s; %d)%n", rounds, sorted[0], sorted[rounds / 2], sorted[rounds - 1], Arrays.toString(micros), sink);
    }
}
