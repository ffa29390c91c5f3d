package io.dataflux.bench;

import static io.dataflux.testing.ServerKind.MARIADB;
import static io.dataflux.testing.ServerKind.REDIS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflux.sample.ForumPostGenerator.Author;
import io.dataflux.sample.ForumPostGenerator.GeneratedRecord;
import io.dataflux.enrich.PostCleaner;
import io.dataflux.enrich.PostDeriver;
import io.dataflux.enrich.PostParser;
import io.dataflux.testing.RealServers;
import org.junit.jupiter.api.Test;

/**
 * The parts of the benchmark a wrong figure would come from, checked on real servers: CPU time read from /proc, the
 * server processes found by name, and the minimal enrichment doing the same work as DataFlux's enrichers (so that
 * its ceiling is a ceiling of the same transformations), with the author mix the harness generates.
 */
@RealServers({REDIS, MARIADB})
class BenchHarnessTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void readsTheCpuTimeOfAProcessFromProcStat() {
        long pid = ProcessHandle.current().pid();
        Map<String, Long> before = ProcCpu.snapshot(Map.of("me", pid));
        long threadCpu = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        long spins = 0;
        while (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - threadCpu < 300_000_000L) {
            spins++; // 0.3 s of CPU on this thread
        }

        Map<String, Double> used = ProcCpu.seconds(before, ProcCpu.snapshot(Map.of("me", pid)));

        assertThat(spins).isPositive();
        assertThat(used.get("me")).isGreaterThanOrEqualTo(0.25);
        assertThat(ProcCpu.ticks(Long.MAX_VALUE)).isEqualTo(-1);
    }

    @Test
    void splitsAJvmsCpuIntoItsJitCompilersAndItsGarbageCollector() {
        long pid = ProcessHandle.current().pid();
        Map<String, Long> threads = ProcCpu.jvmThreads(pid);

        // by now this JVM has compiled JUnit's and the test servers' code (the GC may not have run yet)
        assertThat(threads).containsOnlyKeys(ProcCpu.JIT, ProcCpu.GC);
        assertThat(threads.get(ProcCpu.JIT)).isPositive();
        assertThat(threads.get(ProcCpu.JIT) + threads.get(ProcCpu.GC)).isLessThanOrEqualTo(ProcCpu.ticks(pid));
        assertThat(ProcCpu.jvmThreads(Long.MAX_VALUE)).isEmpty();
    }

    @Test
    void findsRedisAndMariaDbAmongThisJvmsChildProcessesByName() throws Exception {
        long redis = BenchServers.descendant(BenchServers.REDIS).orElseThrow();
        long mariaDb = BenchServers.descendant(BenchServers.MARIADB).or(() -> BenchServers.descendant("mysqld")).orElseThrow();

        assertThat(Files.readString(Path.of("/proc", Long.toString(redis), "comm")).strip()).startsWith("redis-server");
        assertThat(Files.readString(Path.of("/proc", Long.toString(mariaDb), "comm")).strip()).matches("(mariadbd|mysqld).*");
        assertThat(ProcCpu.ticks(redis)).isNotNegative();
    }

    @Test
    void minimalEnrichmentDerivesWhatDataFluxsEnrichersDeriveAndLooksAuthorsUpInRedisThenMySql() throws Exception {
        BenchData.seedRedisAuthors();
        String jdbc = Ceilings.migratedDatabase("bench_harness_" + ProcessHandle.current().pid());
        List<GeneratedRecord> records = BenchData.generate("h-", 600, 0.3);
        Map<String, Author> known = new HashMap<>();
        BenchData.generator("authors-").authors().forEach(author -> known.put(author.id(), author));
        List<byte[]> payloads = new ArrayList<>();
        List<String> sourceIds = new ArrayList<>();
        records.forEach(record -> {
            payloads.add(record.payload());
            sourceIds.add("1-" + sourceIds.size());
        });

        List<MinimalEnrichment.Post> enriched;
        try (MinimalEnrichment enrichment = new MinimalEnrichment(jdbc, MinimalEnrichment.newAuthorCache())) {
            enriched = new ArrayList<>(enrichment.enrich(payloads.subList(0, 300), sourceIds.subList(0, 300)));
            enriched.addAll(enrichment.enrich(payloads.subList(300, 600), sourceIds.subList(300, 600)));
        }

        int knownAuthors = 0;
        for (int i = 0; i < records.size(); i++) {
            Map<String, Object> expected = new PostParser().parse(records.get(i).payload());
            new PostCleaner().clean(expected);
            new PostDeriver().derive(expected);
            @SuppressWarnings("unchecked")
            Map<String, Object> actual = JSON.readValue(enriched.get(i).json(), Map.class);
            for (String field : List.of("id", "author_id", "title", "body", "hashtags", "mentions", "links", "content_hash")) {
                assertThat(actual.get(field)).as(field + " of " + expected.get("id")).isEqualTo(expected.get(field));
            }
            // the minimal count splits words at apostrophes and dots, the Unicode word boundaries do not
            assertThat(((Number) actual.get("word_count")).doubleValue()).as("word count of " + expected.get("id"))
                    .isCloseTo(((Number) expected.get("word_count")).doubleValue(),
                            within(0.1 * ((Number) expected.get("word_count")).doubleValue()));
            Author author = known.get((String) expected.get("author_id"));
            @SuppressWarnings("unchecked")
            Map<String, Object> profile = (Map<String, Object>) actual.get("author");
            if (author == null) {
                assertThat(profile).as("a fresh author is in neither store").isNull();
            } else {
                knownAuthors++;
                assertThat(profile).containsEntry("author_id", author.id())
                        .containsEntry("display_name", author.displayName())
                        .containsEntry("location", author.location());
                assertThat(((Number) profile.get("reputation")).intValue()).isEqualTo(author.reputation());
            }
            assertThat(enriched.get(i).row()[MinimalEnrichment.COLUMNS.indexOf("source_id")]).isEqualTo(sourceIds.get(i));
        }
        // 30 % of 600 by known authors, give or take the randomness of the mix
        assertThat(knownAuthors).isBetween(130, 230);
    }
}
