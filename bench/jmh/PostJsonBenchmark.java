package io.dataflux.bench.jmh;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflux.sample.ForumPostGenerator;
import io.dataflux.enrich.PostCleaner;
import io.dataflux.enrich.PostDeriver;
import io.dataflux.enrich.PostFieldMapping;
import io.dataflux.enrich.PostParser;
import io.dataflux.enrich.EnrichedPost;
import io.dataflux.enrich.PostJson;
import io.dataflux.ingest.SourceRecord;
import io.dataflux.sink.mysql.PostRows;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The serialization a post costs the sinks, on generated forum posts (about 1 KB, enriched as the route does, two in
 * three with an author profile). One post per operation, cycling over 1,000 posts.
 * <ul>
 * <li>{@code separately}: what the sinks did before, each on its own (the same calls as the former code): Kafka's value
 * ({@code writeValueAsString}, then the StringSerializer's UTF-8), the archive's line ({@code writeValueAsBytes}), and
 * MySQL's five JSON columns (hashtags, mentions, links, author, extra).</li>
 * <li>{@code once}: {@link EnrichedPost#json()} serialized once, its bytes for Kafka and the archive, MySQL's columns cut
 * from it ({@link PostJson#field}, {@link PostJson#without}).</li>
 * <li>{@code rowBefore} / {@code rowAfter}: the whole MySQL row ({@code PostRows.toRow}) from the post map, as
 * before, and from the enriched post, with the post's JSON already made (as Kafka and the archive then reuse it).</li>
 * </ul>
 * Run with {@code JMH_BENCH=PostJsonBenchmark bench/jmh.sh [--cpu]}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PostJsonBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> COLUMNS = Set.of("id", "thread_id", "author_id", "title", "body", "url",
            "created_at", "hashtags", "mentions", "links", "word_count", "content_hash", "author");

    private final List<EnrichedPost> posts = new ArrayList<>();
    private int next;

    @Setup
    public void posts() {
        ForumPostGenerator generator = new ForumPostGenerator(42, "jmh-", 0.0, 65536, 700);
        PostParser parser = new PostParser();
        PostFieldMapping mapping = new PostFieldMapping();
        PostCleaner cleaner = new PostCleaner();
        PostDeriver deriver = new PostDeriver();
        for (int i = 0; i < 1000; i++) {
            SourceRecord record = new SourceRecord(i + "-0", generator.next().payload());
            Map<String, Object> post = mapping.map(parser.parse(record.payload()));
            cleaner.clean(post);
            deriver.derive(post);
            Map<String, Object> profile = null;
            if (i % 3 != 0) {
                profile = new LinkedHashMap<>();
                profile.put("author_id", post.get("author_id"));
                profile.put("display_name", "Member " + i);
                profile.put("reputation", 17L * i);
                profile.put("location", i % 2 == 0 ? "Lyon" : null);
                profile.put("joined_at", "2021-03-04T05:06:07Z");
            }
            post.put("author", profile);
            posts.add(new EnrichedPost(record, post));
        }
    }

    private EnrichedPost nextPost() {
        EnrichedPost post = posts.get(next);
        next = (next + 1) % posts.size();
        return post;
    }

    @Benchmark
    public long separately() throws JsonProcessingException {
        Map<String, Object> post = nextPost().post();
        long bytes = JSON.writeValueAsString(post).getBytes(StandardCharsets.UTF_8).length; // Kafka
        bytes += JSON.writeValueAsBytes(post).length; // the archive's line
        bytes += JSON.writeValueAsString(post.getOrDefault("hashtags", List.of())).length(); // MySQL
        bytes += JSON.writeValueAsString(post.getOrDefault("mentions", List.of())).length();
        bytes += JSON.writeValueAsString(post.getOrDefault("links", List.of())).length();
        bytes += post.get("author") == null ? 0 : JSON.writeValueAsString(post.get("author")).length();
        Map<String, Object> extra = new LinkedHashMap<>(post);
        extra.keySet().removeAll(COLUMNS);
        bytes += extra.isEmpty() ? 0 : JSON.writeValueAsString(extra).length();
        return bytes;
    }

    @Benchmark
    public long once() {
        EnrichedPost enriched = nextPost();
        EnrichedPost post = new EnrichedPost(enriched.source(), enriched.post()); // not yet serialized
        PostJson json = post.json();
        long bytes = json.bytes().length; // Kafka and the archive: the same bytes
        bytes += length(json.field("hashtags")) + length(json.field("mentions")) + length(json.field("links"));
        bytes += post.post().get("author") == null ? 0 : length(json.field("author"));
        bytes += length(json.without(COLUMNS));
        return bytes;
    }

    @Benchmark
    public int rowBefore() {
        EnrichedPost post = nextPost();
        return PostRows.toRow(post.post(), post.sourceId(), post.source().payload()).size();
    }

    @Benchmark
    public int rowAfter() {
        EnrichedPost post = nextPost();
        post.json(); // made once per post; Kafka and the archive reuse it
        return PostRows.toRow(post).size();
    }

    private static int length(String text) {
        return text == null ? 0 : text.length();
    }

    /**
     * CPU time per post (ThreadMXBean, this thread only, so other processes' load does not count) of each variant:
     * rounds of 20,000 posts after 10 rounds of warm-up; prints the minimum and median in µs per post.
     */
    public static void main(String[] args) throws Exception {
        PostJsonBenchmark benchmark = new PostJsonBenchmark();
        benchmark.posts();
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        measure("separately (before)", rounds, b -> {
            try {
                return b.separately();
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }, benchmark);
        measure("once (after)", rounds, PostJsonBenchmark::once, benchmark);
        measure("PostRows.toRow before", rounds, PostJsonBenchmark::rowBefore, benchmark);
        measure("PostRows.toRow after (JSON made)", rounds, PostJsonBenchmark::rowAfter, benchmark);
    }

    private static void measure(String name, int rounds, ToLongFunction<PostJsonBenchmark> operation,
                                PostJsonBenchmark benchmark) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double[] micros = new double[rounds];
        long sink = 0;
        for (int round = -10; round < rounds; round++) {
            long began = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < 20_000; i++) {
                sink += operation.applyAsLong(benchmark);
            }
            double perPost = (threads.getCurrentThreadCpuTime() - began) / 1e3 / 20_000;
            if (round >= 0) {
                micros[round] = perPost;
            }
        }
        double[] sorted = micros.clone();
        Arrays.sort(sorted);
        System.out.printf("%-34s CPU µs per post over %d rounds of 20,000: min %.2f, median %.2f, max %.2f (%d)%n",
                name, rounds, sorted[0], sorted[rounds / 2], sorted[rounds - 1], sink);
    }
}
