package io.dataflux.enrich;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.dataflux.config.RedisConnections;
import io.dataflux.enrich.EnrichedBatch;
import io.dataflux.enrich.EnrichedPost;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * The steps of the batch author lookup (routes/authors.camel.yaml): the distinct authors of a batch are looked up once
 * - the cache, then one pipelined Redis read (hash {@code <prefix><author_id>}) for all the ids it lacks, then one
 * MySQL query for those Redis lacks - and the cache remembers both profiles and unknown authors (the latter for a
 * shorter time, so that a profile added later is found soon). A store that cannot be reached throws: the batch fails
 * and is retried, it does not turn into "no profile".
 */
public final class AuthorProfiles implements CamelContextAware {

    private static final Logger LOG = LoggerFactory.getLogger(AuthorProfiles.class);

    /** A cached answer: a profile, or null for an author no store knows. */
    private record Answer(Map<String, Object> profile) {
    }

    private CamelContext camelContext;
    private volatile RedisConnectionFactory connectionFactory;
    private String redisKeyPrefix = "author:";
    private long cacheSeconds = 300;
    private long missCacheSeconds = 30;
    private long cacheSize = 100_000;
    private volatile Cache<String, Answer> cache;

    /** The batch's distinct author ids, those the cache knows already answered. */
    public AuthorLookup start(EnrichedBatch batch) {
        Set<String> ids = new LinkedHashSet<>();
        for (EnrichedPost post : batch.posts()) {
            if (post.post().get(PostFields.AUTHOR_ID) instanceof String authorId) {
                ids.add(authorId);
            }
        }
        AuthorLookup lookup = new AuthorLookup(ids);
        Cache<String, Answer> answers = cache();
        for (String id : ids) {
            Answer answer = answers.getIfPresent(id);
            if (answer != null && answer.profile() != null) {
                lookup.cached(id, answer.profile());
            } else if (answer != null) {
                lookup.cachedUnknown(id);
            }
        }
        return lookup;
    }

    /** One pipelined HGETALL for every id still missing. */
    public AuthorLookup fromRedis(AuthorLookup lookup) {
        List<String> ids = lookup.missing();
        List<Response<Map<byte[], byte[]>>> hashes = new ArrayList<>(ids.size());
        try (RedisConnection connection = connectionFactory().getConnection()) {
            // Jedis's own pipeline: Spring Data Redis's pipeline builds a proxy per queued command
            Pipeline pipeline = ((Jedis) connection.getNativeConnection()).pipelined();
            for (String id : ids) {
                hashes.add(pipeline.hgetAll((redisKeyPrefix + id).getBytes(StandardCharsets.UTF_8)));
            }
            pipeline.sync();
        }
        for (int i = 0; i < ids.size(); i++) {
            Map<byte[], byte[]> hash;
            try {
                hash = hashes.get(i).get();
            } catch (JedisDataException notAHash) {
                // someone else's data under our prefix (WRONGTYPE): Redis has no profile for this author, MySQL may;
                // failing the batch would fail every batch by this author, and dead-letter good posts in the end
                LOG.warn("Redis key {}{} is not a hash of an author's profile ({}); the author is looked up in MySQL",
                        redisKeyPrefix, ids.get(i), notAHash.getMessage());
                continue;
            }
            if (!hash.isEmpty()) {
                lookup.fetched(ids.get(i), AuthorProfile.normalise(decode(hash)));
            }
        }
        return lookup;
    }

    /** The rows of the one {@code SELECT ... WHERE author_id IN (...)} for the ids Redis lacked. */
    public AuthorLookup fromMySql(AuthorLookup lookup, @Header("authorRows") List<Map<String, Object>> rows) {
        if (rows != null) {
            for (Map<String, Object> row : rows) {
                if (row.get("author_id") instanceof String id) {
                    lookup.fetched(id, AuthorProfile.normalise(row));
                }
            }
        }
        return lookup;
    }

    /** Caches what the stores answered, unknown authors included. */
    public AuthorLookup remember(AuthorLookup lookup) {
        lookup.endOfLookup();
        Cache<String, Answer> answers = cache();
        lookup.fetchedProfiles().forEach((id, profile) -> answers.put(id, new Answer(profile)));
        lookup.unknownIds().forEach(id -> answers.put(id, new Answer(null)));
        return lookup;
    }

    private static Map<String, String> decode(Map<byte[], byte[]> hash) {
        Map<String, String> fields = new HashMap<>();
        hash.forEach((field, value) -> fields.put(new String(field, StandardCharsets.UTF_8),
                new String(value, StandardCharsets.UTF_8)));
        return fields;
    }

    private RedisConnectionFactory connectionFactory() {
        RedisConnectionFactory factory = connectionFactory;
        if (factory == null) {
            // bound by ConnectionsConfiguration after the camel.beans.* are made: looked up on first use
            factory = camelContext.getRegistry().lookupByNameAndType(RedisConnections.BEAN, RedisConnectionFactory.class);
            if (factory == null) {
                throw new IllegalStateException("no bean '" + RedisConnections.BEAN + "' to read author profiles with");
            }
            connectionFactory = factory;
        }
        return factory;
    }

    private Cache<String, Answer> cache() {
        Cache<String, Answer> answers = cache;
        if (answers == null) {
            synchronized (this) {
                if (cache == null) {
                    long hitNanos = Duration.ofSeconds(cacheSeconds).toNanos();
                    long missNanos = Duration.ofSeconds(missCacheSeconds).toNanos();
                    cache = Caffeine.newBuilder().maximumSize(cacheSize).expireAfter(new Expiry<String, Answer>() {
                        @Override
                        public long expireAfterCreate(String id, Answer answer, long now) {
                            return answer.profile() == null ? missNanos : hitNanos;
                        }

                        @Override
                        public long expireAfterUpdate(String id, Answer answer, long now, long remaining) {
                            return expireAfterCreate(id, answer, now);
                        }

                        @Override
                        public long expireAfterRead(String id, Answer answer, long now, long remaining) {
                            return remaining;
                        }
                    }).build();
                }
                answers = cache;
            }
        }
        return answers;
    }

    /** Forgets every cached answer (an operator after fixing profiles, and tests). */
    public void clearCache() {
        cache().invalidateAll();
    }

    public void setRedisKeyPrefix(String redisKeyPrefix) {
        this.redisKeyPrefix = redisKeyPrefix;
    }

    public void setCacheSeconds(long cacheSeconds) {
        this.cacheSeconds = cacheSeconds;
    }

    public void setMissCacheSeconds(long missCacheSeconds) {
        this.missCacheSeconds = missCacheSeconds;
    }

    public void setCacheSize(long cacheSize) {
        this.cacheSize = cacheSize;
    }

    /** Tests and embedders may give the factory; by default the {@value RedisConnections#BEAN} bean. */
    public void setConnectionFactory(RedisConnectionFactory connectionFactory) {
        this.connectionFactory = connectionFactory;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }
}
