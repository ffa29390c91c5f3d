package io.dataflux.sample;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflux.enrich.RejectReason;

/**
 * Realistic forum posts for the demo, the tests and the benchmark, reproducible from a seed: threads, authors with
 * profiles, HTML bodies with links, hashtags, mentions, emoji, CJK and accented text, reposts of the same text,
 * edits of the same post id, and a share of bad records of every kind, each labelled with the rejection it must get.
 */
public final class ForumPostGenerator {

    /** One generated record and what the pipeline must do with it. */
    public record GeneratedRecord(byte[] payload, String postId, RejectReason expectedRejection) {
        public boolean isGood() {
            return expectedRejection == null;
        }
    }

    /** An author and the profile the author store holds. */
    public record Author(String id, String displayName, int reputation, String location, String joinedAt) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] WORDS = {"camel", "kafka", "pipeline", "redis", "stream", "batch", "latency",
        "throughput", "schema", "upsert", "replica", "offset", "partition", "archive", "hadoop", "cluster", "forum",
        "thread", "reply", "question", "answer", "café", "naïve", "résumé", "Straße", "smørbrød", "año", "niño"};
    private static final String[] CJK = {"東京", "数据", "流水线", "こんにちは", "世界", "데이터", "파이프라인", "分析"};
    private static final String[] EMOJI = {"🚀", "👍", "🎉", "🔥", "😀", "👋🏽", "🐪", "☕"};
    private static final String[] TAGS = {"camel", "kafka", "Redis", "bigdata", "日本", "devops", "java"};
    private static final String[] PLACES = {"Kyoto", "Zürich", "São Paulo", "Lyon", "Seoul", "Berlin", "Montréal"};
    private static final RejectReason[] BAD_KINDS = {RejectReason.MALFORMED_JSON, RejectReason.INVALID_UTF8,
        RejectReason.MISSING_FIELD, RejectReason.TOO_LARGE, RejectReason.WRONG_TYPE};

    private final Random random;
    private final String idPrefix;
    private final double badShare;
    private final int maxRecordBytes;
    private final int targetBodyChars;
    private final List<Author> authors = new ArrayList<>();
    private final List<String> recentIds = new ArrayList<>();
    private final List<String> recentBodies = new ArrayList<>();
    private final Instant start = Instant.parse("2026-11-01T00:00:00Z");
    private long sequence;

    public ForumPostGenerator(long seed, double badShare, int maxRecordBytes, int targetBodyChars) {
        this(seed, "", badShare, maxRecordBytes, targetBodyChars);
    }

    /**
     * @param seed            the same seed gives the same records
     * @param idPrefix        put before every post id (e.g. a run id, so that runs never share ids)
     * @param badShare        the share of bad records (e.g. 0.02), spread evenly over every kind
     * @param maxRecordBytes  the pipeline's record size limit (oversized records are made larger than it)
     * @param targetBodyChars about how long a post's text is (1 KB records: about 700)
     */
    public ForumPostGenerator(long seed, String idPrefix, double badShare, int maxRecordBytes, int targetBodyChars) {
        this.random = new Random(seed);
        this.idPrefix = idPrefix;
        this.badShare = badShare;
        this.maxRecordBytes = maxRecordBytes;
        this.targetBodyChars = targetBodyChars;
        for (int i = 0; i < 200; i++) {
            authors.add(new Author("u-" + i, displayName(i), random.nextInt(5000), pick(PLACES),
                    start.minus(random.nextInt(2000), ChronoUnit.DAYS).atOffset(ZoneOffset.UTC).toString()));
        }
    }

    public List<Author> authors() {
        return List.copyOf(authors);
    }

    public GeneratedRecord next() {
        long n = sequence++;
        if (random.nextDouble() < badShare) {
            return bad(BAD_KINDS[(int) (n % BAD_KINDS.length)], n);
        }
        return good(n);
    }

    private GeneratedRecord good(long n) {
        String id;
        double roll = random.nextDouble();
        if (roll < 0.03 && !recentIds.isEmpty()) {
            id = pick(recentIds); // an edit: the same post id again, the later version wins
        } else {
            id = idPrefix + "p-" + n;
            remember(recentIds, id);
        }
        String body = roll > 0.97 && !recentBodies.isEmpty() ? pick(recentBodies) : body();
        remember(recentBodies, body);
        Map<String, Object> post = new LinkedHashMap<>();
        post.put("id", id);
        post.put("thread_id", "t-" + random.nextInt(500));
        post.put("author_id", pick(authors).id());
        post.put("title", title());
        post.put("body", body);
        post.put("url", "https://forum.example/t/" + random.nextInt(500) + "#" + id);
        post.put("created_at", start.plusSeconds(n * 7).atOffset(ZoneOffset.UTC).toString());
        post.put("lang", random.nextBoolean() ? "en" : "fr");
        return new GeneratedRecord(json(post), id, null);
    }

    private GeneratedRecord bad(RejectReason kind, long n) {
        String id = idPrefix + "bad-" + n;
        return switch (kind) {
            case MALFORMED_JSON -> new GeneratedRecord(
                    ("{\"id\":\"" + id + "\",\"author_id\":\"u-1\",\"body\":\"cut off").getBytes(StandardCharsets.UTF_8),
                    id, kind);
            case INVALID_UTF8 -> {
                byte[] prefix = ("{\"id\":\"" + id + "\",\"author_id\":\"u-1\",\"body\":\"caf").getBytes(StandardCharsets.UTF_8);
                byte[] payload = new byte[prefix.length + 4];
                System.arraycopy(prefix, 0, payload, 0, prefix.length);
                payload[prefix.length] = (byte) 0xE9; // Latin-1 é inside UTF-8
                payload[prefix.length + 1] = '"';
                payload[prefix.length + 2] = '}';
                payload[prefix.length + 3] = ' ';
                yield new GeneratedRecord(payload, id, kind);
            }
            case MISSING_FIELD -> new GeneratedRecord(json(Map.of("author_id", "u-1", "body", "no id here")), null, kind);
            case TOO_LARGE -> new GeneratedRecord(json(Map.of("id", id, "author_id", "u-1",
                    "body", "x".repeat(maxRecordBytes + 100))), id, kind);
            case WRONG_TYPE -> new GeneratedRecord(json(Map.of("id", id, "author_id", "u-1", "body", 12345)), id, kind);
            default -> throw new IllegalArgumentException("no generator for " + kind);
        };
    }

    private String title() {
        return capitalise(pick(WORDS)) + " " + pick(WORDS) + (random.nextInt(4) == 0 ? " " + pick(CJK) : "")
                + (random.nextInt(3) == 0 ? " " + pick(EMOJI) : "");
    }

    private String body() {
        StringBuilder html = new StringBuilder("<p>");
        while (html.length() < targetBodyChars) {
            int kind = random.nextInt(20);
            switch (kind) {
                case 0 -> html.append("#").append(pick(TAGS)).append(' ');
                case 1 -> html.append("@").append(pick(authors).id().replace('-', '_')).append(' ');
                case 2 -> html.append("<a href=\"https://example.org/").append(pick(WORDS).toLowerCase()).append("\">")
                        .append(pick(WORDS)).append("</a> ");
                case 3 -> html.append(pick(CJK)).append(' ');
                case 4 -> html.append(pick(EMOJI)).append(' ');
                case 5 -> html.append("</p>\n<p>");
                case 6 -> html.append("<b>").append(pick(WORDS)).append("</b> &amp; ");
                case 7 -> html.append("see https://docs.example/").append(random.nextInt(100)).append(". ");
                default -> html.append(pick(WORDS)).append(' ');
            }
        }
        return html.append("</p>").toString();
    }

    private static String displayName(int i) {
        String[] first = {"Ann", "Bo", "Chloé", "Dmitri", "Émile", "Fatima", "蓮", "Jörg", "Ines", "Kenji"};
        return first[i % first.length] + " " + (char) ('A' + i % 26) + ".";
    }

    private static String capitalise(String word) {
        return Character.toUpperCase(word.charAt(0)) + word.substring(1);
    }

    private <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    private String pick(String[] values) {
        return values[random.nextInt(values.length)];
    }

    private static void remember(List<String> recent, String value) {
        recent.add(value);
        if (recent.size() > 100) {
            recent.remove(0);
        }
    }

    private static byte[] json(Map<String, Object> post) {
        try {
            return JSON.writeValueAsBytes(post);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a generated post is always serialisable", e);
        }
    }
}
