package io.dataflux.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.text.Normalizer;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflux.testing.PipelineProbe;
import io.dataflux.testing.TestServers;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;

/**
 * The enrichment written minimally, with no DataFlux class (Jackson and jsoup only): parse the JSON, HTML to text
 * (one jsoup parse per field that holds markup), NFC, control and zero-width characters out, whitespace collapsed,
 * hashtags, mentions and links by hand-written scans, a word count (each ideograph a word), the SHA-256 of the
 * lower-cased text, the checks of required fields, the author's profile looked up per batch (one pipelined Redis read
 * for the batch's distinct unknown ids, one SELECT ... IN for those Redis lacks, hits and misses remembered), and each
 * post serialized to JSON once. The enrich ceiling and the naive loop use it; its cost does not change when DataFlux's
 * enrichers do.
 *
 * <p>Not thread-safe (a Redis and a MySQL connection of its own); the author cache is shared.
 */
final class MinimalEnrichment implements AutoCloseable {

    /** The upsert's parameters, in the order {@link Post#row()} gives them. */
    static final List<String> COLUMNS = List.of("id", "thread_id", "author_id", "title", "body", "url", "created_at",
            "hashtags", "mentions", "links", "word_count", "content_hash", "author", "extra", "source_id", "version_key");
    private static final Set<String> POST_COLUMNS = Set.of("id", "thread_id", "author_id", "title", "body", "url",
            "created_at", "hashtags", "mentions", "links", "word_count", "content_hash", "author");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter MYSQL_DATETIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    /** One enriched post: its row's values and its JSON (for Kafka and HDFS). */
    record Post(String sourceId, String id, String contentHash, Object[] row, byte[] json) {
    }

    private final Jedis redis;
    private final Connection mysql;
    private final Map<String, Optional<Map<String, Object>>> authors;
    private final MessageDigest sha256;

    /** @param authors the profiles found so far, empty for an author neither store knows (shared between threads) */
    MinimalEnrichment(String jdbc, Map<String, Optional<Map<String, Object>>> authors) throws SQLException {
        this.redis = PipelineProbe.redis();
        this.mysql = DriverManager.getConnection(jdbc, TestServers.mariaDb().username(), TestServers.mariaDb().password());
        this.authors = authors;
        this.sha256 = sha256();
    }

    static Map<String, Optional<Map<String, Object>>> newAuthorCache() {
        return new ConcurrentHashMap<>();
    }

    /** Enriches a batch: every record must be a good post (the benchmark's are). */
    List<Post> enrich(List<byte[]> payloads, List<String> sourceIds) throws IOException, SQLException {
        List<Map<String, Object>> posts = new ArrayList<>(payloads.size());
        Set<String> authorIds = new LinkedHashSet<>();
        for (byte[] payload : payloads) {
            Map<String, Object> post = prepare(payload, sha256);
            authorIds.add((String) post.get("author_id"));
            posts.add(post);
        }
        lookUpAuthors(authorIds);
        List<Post> enriched = new ArrayList<>(posts.size());
        for (int i = 0; i < posts.size(); i++) {
            Map<String, Object> post = posts.get(i);
            Map<String, Object> author = authors.get((String) post.get("author_id")).orElse(null);
            post.put("author", author);
            enriched.add(toPost(post, sourceIds.get(i)));
        }
        return enriched;
    }

    /** A post parsed, cleaned, derived and checked: everything but its author's profile. */
    static Map<String, Object> prepare(byte[] payload, MessageDigest sha256) throws IOException {
        @SuppressWarnings("unchecked")
        Map<String, Object> post = JSON.readValue(payload, LinkedHashMap.class);
        clean(post);
        derive(post, sha256);
        validate(post);
        return post;
    }

    /** What a post by an author nobody knows becomes: its row and its JSON (the enrichers-only comparison). */
    static Post withoutAuthor(byte[] payload, String sourceId, MessageDigest sha256) throws IOException {
        Map<String, Object> post = prepare(payload, sha256);
        post.put("author", null);
        return toPost(post, sourceId);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void clean(Map<String, Object> post) {
        if (post.get("title") instanceof String title) {
            post.put("title", normalise(hasMarkup(title) ? Jsoup.parseBodyFragment(title).body().text() : title));
        }
        if (post.get("body") instanceof String html) {
            Document document = Jsoup.parseBodyFragment(html);
            List<String> links = new ArrayList<>();
            for (Element anchor : document.select("a[href]")) {
                String href = anchor.attr("href").strip();
                if (href.regionMatches(true, 0, "http://", 0, 7) || href.regionMatches(true, 0, "https://", 0, 8)) {
                    if (!links.contains(href)) {
                        links.add(href);
                    }
                }
            }
            post.put("links", links);
            post.put("body", normalise(document.body().text()));
        }
    }

    private static boolean hasMarkup(String text) {
        return text.indexOf('<') >= 0 || text.indexOf('&') >= 0;
    }

    /** NFC (only when not NFC already), invisible characters to spaces, whitespace collapsed, stripped. */
    static String normalise(String text) {
        String nfc = Normalizer.isNormalized(text, Normalizer.Form.NFC) ? text : Normalizer.normalize(text, Normalizer.Form.NFC);
        StringBuilder out = new StringBuilder(nfc.length());
        boolean space = false;
        for (int i = 0; i < nfc.length(); i++) {
            char c = nfc.charAt(i);
            boolean blank = Character.isWhitespace(c) || Character.getType(c) == Character.CONTROL || c == '\u00A0'
                    || (c >= '\u2000' && c <= '\u200D') || c == '\u2060' || c == '\uFEFF' || c == '\u3000'
                    || (c >= '\u202A' && c <= '\u202E');
            if (blank) {
                space = out.length() > 0;
            } else {
                if (space) {
                    out.append(' ');
                    space = false;
                }
                out.append(c);
            }
        }
        return out.toString();
    }

    private static void derive(Map<String, Object> post, MessageDigest sha256) {
        String title = post.get("title") instanceof String t ? t : "";
        String body = post.get("body") instanceof String b ? b : "";
        String text = title.isEmpty() ? body : title + "\n" + body;
        Set<String> hashtags = new LinkedHashSet<>();
        Set<String> mentions = new LinkedHashSet<>();
        @SuppressWarnings("unchecked")
        Set<String> links = new LinkedHashSet<>(post.get("links") instanceof List<?> anchors ? (List<String>) anchors : List.of());
        int words = 0;
        boolean inWord = false;
        int previous = ' ';
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            int next = i + Character.charCount(c);
            if (c == '#' && !(Character.isLetterOrDigit(previous) || previous == '_' || previous == '&' || previous == '#')) {
                int end = next;
                if (end < text.length() && Character.isLetter(text.codePointAt(end))) {
                    end = skipName(text, end, false);
                    hashtags.add(text.substring(next, end).toLowerCase(Locale.ROOT));
                }
            } else if (c == '@' && !(Character.isLetterOrDigit(previous) || previous == '_' || previous == '.' || previous == '@')) {
                int end = skipName(text, next, true);
                while (end > next && text.charAt(end - 1) == '.') {
                    end--;
                }
                if (end > next && text.charAt(next) != '.') {
                    mentions.add(text.substring(next, end).toLowerCase(Locale.ROOT));
                }
            } else if ((c == 'h' || c == 'H') && (text.regionMatches(true, i, "http://", 0, 7)
                    || text.regionMatches(true, i, "https://", 0, 8))) {
                int end = i;
                while (end < text.length() && " \t\n\r<>\"'`".indexOf(text.charAt(end)) < 0) {
                    end++;
                }
                while (end > i && ".,;:!?)]}'\"".indexOf(text.charAt(end - 1)) >= 0) {
                    end--;
                }
                links.add(text.substring(i, end));
            }
            if (Character.isIdeographic(c)) {
                words++;
                inWord = false;
            } else if (Character.isLetterOrDigit(c)) {
                if (!inWord) {
                    words++;
                }
                inWord = true;
            } else {
                inWord = false;
            }
            previous = c;
            i = next;
        }
        post.put("hashtags", new ArrayList<>(hashtags));
        post.put("mentions", new ArrayList<>(mentions));
        post.put("links", new ArrayList<>(links));
        post.put("word_count", words);
        post.put("content_hash", contentHash(title, body, sha256));
    }

    /** The end of a run of letters, digits and _ (and dots, for a mention) from {@code from}. */
    private static int skipName(String text, int from, boolean dots) {
        int end = from;
        while (end < text.length()) {
            int c = text.codePointAt(end);
            if (!(Character.isLetterOrDigit(c) || c == '_' || (dots && c == '.'))) {
                break;
            }
            end += Character.charCount(c);
        }
        return end;
    }

    private static String contentHash(String title, String body, MessageDigest sha256) {
        String canonical = normalise(title.toLowerCase(Locale.ROOT)) + "\n" + normalise(body.toLowerCase(Locale.ROOT));
        return HexFormat.of().formatHex(sha256.digest(canonical.getBytes(StandardCharsets.UTF_8)));
    }

    private static void validate(Map<String, Object> post) {
        identifier(post.get("id"));
        identifier(post.get("author_id"));
        if (!(post.get("body") instanceof String body) || body.length() > 20_000) {
            throw new IllegalStateException("no body or too long: " + post.get("id"));
        }
        if (post.get("title") instanceof String title && title.length() > 300) {
            throw new IllegalStateException("title too long: " + post.get("id"));
        }
    }

    private static void identifier(Object value) {
        if (!(value instanceof String id) || id.isEmpty() || id.length() > 64 || !Character.isLetterOrDigit(id.charAt(0))) {
            throw new IllegalStateException("not an identifier: " + value);
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || ".:_-".indexOf(c) >= 0)) {
                throw new IllegalStateException("not an identifier: " + id);
            }
        }
    }

    /** Profiles of the ids not looked up yet: one pipelined Redis read, then one SELECT ... IN for Redis's misses. */
    private void lookUpAuthors(Set<String> ids) throws SQLException {
        List<String> unknown = new ArrayList<>();
        for (String id : ids) {
            if (!authors.containsKey(id)) {
                unknown.add(id);
            }
        }
        if (unknown.isEmpty()) {
            return;
        }
        List<Response<Map<String, String>>> hashes = new ArrayList<>(unknown.size());
        try (Pipeline pipeline = redis.pipelined()) {
            for (String id : unknown) {
                hashes.add(pipeline.hgetAll(BenchData.AUTHOR_PREFIX + id));
            }
            pipeline.sync();
        }
        List<String> notInRedis = new ArrayList<>();
        for (int i = 0; i < unknown.size(); i++) {
            Map<String, String> hash = hashes.get(i).get();
            if (hash.isEmpty()) {
                notInRedis.add(unknown.get(i));
            } else {
                authors.put(unknown.get(i), Optional.of(profile(hash.get("author_id"), hash.get("display_name"),
                        parseLong(hash.get("reputation")), hash.get("location"), utc(hash.get("joined_at")))));
            }
        }
        if (notInRedis.isEmpty()) {
            return;
        }
        String sql = "SELECT author_id, display_name, reputation, location, joined_at FROM authors WHERE author_id IN ("
                + "?,".repeat(notInRedis.size() - 1) + "?)";
        try (PreparedStatement select = mysql.prepareStatement(sql)) {
            for (int i = 0; i < notInRedis.size(); i++) {
                select.setString(i + 1, notInRedis.get(i));
            }
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    LocalDateTime joined = rows.getObject(5, LocalDateTime.class);
                    authors.put(rows.getString(1), Optional.of(profile(rows.getString(1), rows.getString(2),
                            rows.getObject(3) == null ? null : rows.getLong(3), rows.getString(4),
                            joined == null ? null : joined.atOffset(ZoneOffset.UTC).toString())));
                }
            }
        }
        for (String id : notInRedis) {
            authors.putIfAbsent(id, Optional.empty());
        }
    }

    private static Map<String, Object> profile(String id, String name, Long reputation, String location, String joined) {
        Map<String, Object> profile = new LinkedHashMap<>();
        profile.put("author_id", id);
        profile.put("display_name", name);
        profile.put("reputation", reputation);
        profile.put("location", location);
        profile.put("joined_at", joined);
        return profile;
    }

    private static Long parseLong(String value) {
        try {
            return value == null ? null : Long.valueOf(value.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String utc(String timestamp) {
        return timestamp == null ? null : OffsetDateTime.parse(timestamp).withOffsetSameInstant(ZoneOffset.UTC).toString();
    }

    private static Post toPost(Map<String, Object> post, String sourceId) throws IOException {
        Map<String, Object> extra = new LinkedHashMap<>();
        post.forEach((key, value) -> {
            if (!POST_COLUMNS.contains(key)) {
                extra.put(key, value);
            }
        });
        String createdAt = post.get("created_at") instanceof String at
                ? OffsetDateTime.parse(at).withOffsetSameInstant(ZoneOffset.UTC).format(MYSQL_DATETIME) : null;
        Object[] row = {post.get("id"), post.get("thread_id"), post.get("author_id"), post.get("title"), post.get("body"),
            post.get("url"), createdAt, JSON.writeValueAsString(post.get("hashtags")),
            JSON.writeValueAsString(post.get("mentions")), JSON.writeValueAsString(post.get("links")),
            post.get("word_count"), post.get("content_hash"),
            post.get("author") == null ? null : JSON.writeValueAsString(post.get("author")),
            extra.isEmpty() ? null : JSON.writeValueAsString(extra), sourceId,
            // the newest version wins: created_at, then the stream entry id (the table's ordering contract)
            (createdAt == null ? "0" : "1" + createdAt) + "|" + sourceId};
        return new Post(sourceId, (String) post.get("id"), (String) post.get("content_hash"), row,
                JSON.writeValueAsBytes(post));
    }

    @Override
    public void close() throws SQLException {
        redis.close();
        mysql.close();
    }
}
