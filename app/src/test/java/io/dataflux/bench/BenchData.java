package io.dataflux.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflux.sample.ForumPostGenerator;
import io.dataflux.sample.ForumPostGenerator.Author;
import io.dataflux.sample.ForumPostGenerator.GeneratedRecord;
import io.dataflux.testing.PipelineProbe;
import io.dataflux.testing.TestServers;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * The generated posts every contender gets, and the author profiles the author lookups find. Of the generator's 200
 * authors, the even-numbered ones are in Redis (hash {@value #AUTHOR_PREFIX}id) and the odd-numbered ones only in
 * MySQL's authors table; a post keeps its generated (known) author with the probability of the author hit ratio,
 * otherwise it gets a fresh author that neither store knows (one per post, as in a new crawl of a forum).
 */
final class BenchData {

    static final String AUTHOR_PREFIX = "author:bench:";
    /** About 1 KB per record: the forum generator's body length for that size. */
    private static final int BODY_CHARS = 700;
    private static final ObjectMapper JSON = new ObjectMapper();

    private BenchData() {
    }

    /** A generator of good posts (the bad-record paths are the tests' business), ids prefixed so runs never meet. */
    static ForumPostGenerator generator(String idPrefix) {
        return new ForumPostGenerator(idPrefix.hashCode(), idPrefix, 0.0, 65536, BODY_CHARS);
    }

    /**
     * An endless supply of posts with {@code authorHits} of them by known authors, made as they are asked for (the
     * memory check's 2,000,000 never sit in memory).
     */
    static Iterator<GeneratedRecord> posts(String idPrefix, double authorHits) {
        ForumPostGenerator generator = generator(idPrefix);
        Random random = new Random(idPrefix.hashCode() * 31L + 7);
        return new Iterator<>() {
            private long n;

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public GeneratedRecord next() {
                GeneratedRecord record = generator.next();
                long sequence = n++;
                if (random.nextDouble() < authorHits) {
                    return record;
                }
                try {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> post = JSON.readValue(record.payload(), LinkedHashMap.class);
                    post.put("author_id", idPrefix + "new-" + sequence);
                    return new GeneratedRecord(JSON.writeValueAsBytes(post), record.postId(), record.expectedRejection());
                } catch (java.io.IOException e) {
                    throw new IllegalStateException("a generated post is JSON", e);
                }
            }
        };
    }

    static List<GeneratedRecord> generate(String idPrefix, int count, double authorHits) {
        Iterator<GeneratedRecord> posts = posts(idPrefix, authorHits);
        List<GeneratedRecord> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            records.add(posts.next());
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

    private static List<Author> authors() {
        return generator("authors-").authors();
    }

    private static boolean inRedis(Author author) {
        return Integer.parseInt(author.id().substring(2)) % 2 == 0;
    }

    /** The even-numbered authors' hashes in Redis (the odd ones are in MySQL: {@link #seedMySqlAuthors}). */
    static void seedRedisAuthors() {
        try (Jedis redis = PipelineProbe.redis(); Pipeline pipeline = redis.pipelined()) {
            for (Author author : authors()) {
                if (inRedis(author)) {
                    pipeline.hset(AUTHOR_PREFIX + author.id(), Map.of("author_id", author.id(),
                            "display_name", author.displayName(), "reputation", Integer.toString(author.reputation()),
                            "location", author.location(), "joined_at", author.joinedAt()));
                }
            }
            pipeline.sync();
        }
    }

    /** The odd-numbered authors in the authors table of a (migrated) database. */
    static void seedMySqlAuthors(String jdbc) throws Exception {
        try (Connection connection = DriverManager.getConnection(jdbc, TestServers.mariaDb().username(),
                TestServers.mariaDb().password());
             PreparedStatement insert = connection.prepareStatement("INSERT INTO authors (author_id, display_name, "
                     + "reputation, location, joined_at) VALUES (?, ?, ?, ?, ?)")) {
            for (Author author : authors()) {
                if (!inRedis(author)) {
                    insert.setString(1, author.id());
                    insert.setString(2, author.displayName());
                    insert.setInt(3, author.reputation());
                    insert.setString(4, author.location());
                    // DATETIME(3) in UTC, as text
                    insert.setString(5, java.time.OffsetDateTime.parse(author.joinedAt())
                            .format(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")));
                    insert.addBatch();
                }
            }
            insert.executeBatch();
        }
    }
}
