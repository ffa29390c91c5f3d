package io.dataflux.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.dataflux.demo.ForumPostGenerator;
import io.dataflux.demo.ForumPostGenerator.Author;
import io.dataflux.demo.ForumPostGenerator.GeneratedRecord;
import io.dataflux.testing.PipelineProbe;
import redis.clients.jedis.Jedis;

/** The generated posts every contender gets, and the author profiles the enrichers look up. */
final class BenchData {

    static final String AUTHOR_PREFIX = "author:bench:";
    /** About 1 KB per record: the forum generator's body length for that size. */
    private static final int BODY_CHARS = 700;

    private BenchData() {
    }

    /** A generator of good posts (the bad-record paths are the tests' business), ids prefixed so runs never meet. */
    static ForumPostGenerator generator(String idPrefix) {
        return new ForumPostGenerator(idPrefix.hashCode(), idPrefix, 0.0, 65536, BODY_CHARS);
    }

    static List<GeneratedRecord> generate(String idPrefix, int count) {
        ForumPostGenerator generator = generator(idPrefix);
        List<GeneratedRecord> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            records.add(generator.next());
        }
        return records;
    }

    static long bytes(List<GeneratedRecord> records) {
        long bytes = 0;
        for (GeneratedRecord record : records) {
            bytes += record.payload().length;
        }
        return bytes;
    }

    /** The author hashes the pipeline's author lookup finds in Redis (the generator's 200 authors, same for every seed). */
    static void seedAuthors() {
        try (Jedis redis = PipelineProbe.redis()) {
            for (Author author : generator("authors-").authors()) {
                redis.hset(AUTHOR_PREFIX + author.id(), Map.of("author_id", author.id(),
                        "display_name", author.displayName(), "reputation", Integer.toString(author.reputation()),
                        "location", author.location(), "joined_at", author.joinedAt()));
            }
        }
    }
}
