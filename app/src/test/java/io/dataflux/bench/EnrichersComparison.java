package io.dataflux.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.dataflux.enrich.EnrichedPost;
import io.dataflux.enrich.PostCleaner;
import io.dataflux.enrich.PostDeriver;
import io.dataflux.enrich.PostFieldMapping;
import io.dataflux.enrich.PostParser;
import io.dataflux.enrich.PostValidator;
import io.dataflux.ingest.SourceRecord;
import io.dataflux.sample.ForumPostGenerator.GeneratedRecord;
import io.dataflux.sink.mysql.PostRows;

/**
 * {@code bench/run.sh --enrichers [posts]}: the same work per post done by DataFlux's enrichers and by the minimal
 * enrichment of the ceiling, on one thread, with no Camel, no server and no author lookup (every author unknown):
 * what the transformations themselves cost, apart from the route around them. DataFlux: PostParser, PostFieldMapping,
 * PostCleaner, PostDeriver, PostValidator (the enrich route's steps; PostSizeLimit skips posts this small), then the
 * post's JSON (EnrichedPost.json, what Kafka and the archive send) and its MySQL row (PostRows). Minimal: Jackson,
 * jsoup and the hand-written scans of {@link MinimalEnrichment}, then its row and JSON. The two alternate by rounds
 * over the same posts; the thread's CPU time per post (ThreadMXBean), after 10 rounds of warm-up each.
 */
final class EnrichersComparison {

    private static final int WARM_UP_ROUNDS = 10;
    private static final int ROUNDS = 20;

    private EnrichersComparison() {
    }

    static void run(int count) throws Exception {
        List<GeneratedRecord> posts = BenchData.generate("e-", count, 0);
        PostParser parser = new PostParser();
        PostFieldMapping mapping = new PostFieldMapping();
        PostCleaner cleaner = new PostCleaner();
        PostDeriver deriver = new PostDeriver();
        PostValidator validator = new PostValidator();
        MessageDigest sha256 = MinimalEnrichment.sha256();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double[] dataflux = new double[ROUNDS];
        double[] minimal = new double[ROUNDS];
        long sink = 0;
        for (int round = -WARM_UP_ROUNDS; round < ROUNDS; round++) {
            long began = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < posts.size(); i++) {
                byte[] payload = posts.get(i).payload();
                Map<String, Object> post = mapping.map(parser.parse(payload));
                cleaner.clean(post);
                deriver.derive(post);
                validator.validate(post);
                EnrichedPost enriched = new EnrichedPost(new SourceRecord("1-" + i, payload), post);
                sink += enriched.json().bytes().length + PostRows.toRow(enriched).size();
            }
            long middle = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < posts.size(); i++) {
                sink += MinimalEnrichment.withoutAuthor(posts.get(i).payload(), "1-" + i, sha256).json().length;
            }
            long end = threads.getCurrentThreadCpuTime();
            if (round >= 0) {
                dataflux[round] = (middle - began) / 1e3 / posts.size();
                minimal[round] = (end - middle) / 1e3 / posts.size();
            }
        }
        System.out.println(String.format(Locale.ROOT, "[bench] enrichers on one thread, CPU-µs per post over %d rounds "
                        + "of %,d posts: DataFlux %s; minimal %s (%d)", ROUNDS, posts.size(), summary(dataflux),
                summary(minimal), sink));
    }

    private static String summary(double[] micros) {
        double[] sorted = micros.clone();
        Arrays.sort(sorted);
        return String.format(Locale.ROOT, "median %.1f (min %.1f, max %.1f)", sorted[sorted.length / 2], sorted[0],
                sorted[sorted.length - 1]);
    }
}
