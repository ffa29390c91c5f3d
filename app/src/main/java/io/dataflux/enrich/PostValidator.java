package io.dataflux.enrich;

import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Processor;

/**
 * The last gate before the sinks: the input contract's required fields, the id rule, types, and everything a sink
 * would refuse for its content (column sizes, MySQL's DATETIME range, JSON nesting depth). A post that passes can be
 * written to MySQL, keyed in Kafka and archived without any sink refusing it (Kafka's request size is checked once
 * the author is in: {@link PostSizeLimit}).
 *
 * <p>The default id rule: any non-empty string of at most {@code idMaxBytes} bytes of UTF-8 without control
 * characters, taken as it came (not trimmed, not normalised) and compared byte for byte. {@code idPattern}, when set,
 * must match too.
 */
public final class PostValidator implements Processor {

    /** The earliest and latest DATETIME MySQL stores (created_at is stored in UTC). */
    static final LocalDateTime MYSQL_MIN = LocalDateTime.of(1000, 1, 1, 0, 0);
    static final LocalDateTime MYSQL_MAX = LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_000_000);
    private static final Pattern CONTROL = Pattern.compile("\\p{Cc}");
    private static final int TITLE_COLUMN = 300;
    private static final int URL_COLUMN = 2048;

    private Set<String> required = new LinkedHashSet<>(List.of(PostFields.ID, PostFields.AUTHOR_ID, PostFields.BODY));
    private int idMaxBytes = 255;
    private Pattern idPattern;
    private int maxBodyLength = 65_536;
    private int maxJsonDepth = 31;

    @Override
    public void process(Exchange exchange) throws InvalidPayloadException {
        @SuppressWarnings("unchecked")
        Map<String, Object> post = exchange.getIn().getMandatoryBody(Map.class);
        validate(post);
    }

    public void validate(Map<String, Object> post) {
        for (String field : required) {
            PostFields.requiredString(post, field);
        }
        identifier(post, PostFields.ID);
        identifier(post, PostFields.AUTHOR_ID);
        identifier(post, PostFields.THREAD_ID);
        String body = PostFields.optionalString(post, PostFields.BODY).orElse("");
        String title = PostFields.optionalString(post, PostFields.TITLE).orElse("");
        maxLength(PostFields.TITLE, title, TITLE_COLUMN);
        maxLength(PostFields.BODY, body, maxBodyLength);
        if (required.contains(PostFields.BODY) && title.isBlank() && body.isBlank()) {
            throw new RejectedRecordException(RejectReason.INVALID_VALUE, PostFields.BODY, "the post has no text");
        }
        PostFields.optionalString(post, PostFields.URL).ifPresent(url -> maxLength(PostFields.URL, url, URL_COLUMN));
        PostFields.optionalString(post, PostFields.CREATED_AT).ifPresent(PostValidator::timestamp);
        int depth = depth(post);
        if (depth > maxJsonDepth) {
            throw new RejectedRecordException(RejectReason.INVALID_VALUE, null, "the post nests " + depth
                    + " levels of JSON, more than the " + maxJsonDepth + " MySQL's JSON columns take");
        }
    }

    private void identifier(Map<String, Object> post, String field) {
        String value = PostFields.optionalString(post, field).orElse(null);
        if (value == null) {
            return;
        }
        if (value.isEmpty()) {
            throw new RejectedRecordException(RejectReason.INVALID_VALUE, field, "field '" + field + "' is empty");
        }
        if (CONTROL.matcher(value).find()) {
            throw new RejectedRecordException(RejectReason.INVALID_VALUE, field,
                    "field '" + field + "' holds a control character");
        }
        if (hasLoneSurrogate(value)) {
            throw new RejectedRecordException(RejectReason.INVALID_VALUE, field,
                    "field '" + field + "' holds an unpaired surrogate (\\uD800-\\uDFFF), which is not UTF-8");
        }
        int bytes = value.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > idMaxBytes) {
            throw new RejectedRecordException(RejectReason.INVALID_VALUE, field,
                    "field '" + field + "' has " + bytes + " bytes of UTF-8, more than " + idMaxBytes);
        }
        if (idPattern != null && !idPattern.matcher(value).matches()) {
            throw new RejectedRecordException(RejectReason.INVALID_VALUE, field,
                    "field '" + field + "' does not match dataflux.input.id-pattern " + idPattern.pattern());
        }
    }

    private static boolean hasLoneSurrogate(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    /** MySQL counts characters (code points), as this does. */
    private static void maxLength(String field, String value, int max) {
        if (value.length() > max) {
            int characters = value.codePointCount(0, value.length());
            if (characters > max) {
                throw new RejectedRecordException(RejectReason.INVALID_VALUE, field,
                        "field '" + field + "' has " + characters + " characters, more than " + max);
            }
        }
    }

    private static void timestamp(String value) {
        OffsetDateTime time;
        try {
            time = Timestamps.parse(value);
        } catch (DateTimeParseException e) {
            throw new RejectedRecordException(RejectReason.INVALID_VALUE, PostFields.CREATED_AT,
                    "field 'created_at' must be an ISO-8601 date-time with offset (e.g. 2026-11-24T10:15:30Z), not '"
                            + value + "'");
        }
        LocalDateTime utc = time.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
        if (utc.isBefore(MYSQL_MIN) || utc.isAfter(MYSQL_MAX)) {
            throw new RejectedRecordException(RejectReason.INVALID_VALUE, PostFields.CREATED_AT,
                    "field 'created_at' is " + utc + " UTC, outside the years 1000 to 9999 MySQL can store");
        }
    }

    /** Levels of objects and arrays: a flat post is 1. Iterative, so that no input can exhaust the stack. */
    static int depth(Object root) {
        int deepest = 0;
        java.util.ArrayDeque<Object[]> pending = new java.util.ArrayDeque<>();
        pending.push(new Object[] {root, 1});
        while (!pending.isEmpty()) {
            Object[] next = pending.pop();
            int level = (Integer) next[1];
            Iterable<?> children = next[0] instanceof Map<?, ?> object ? object.values()
                    : next[0] instanceof Iterable<?> array ? array : null;
            if (children == null) {
                continue;
            }
            deepest = Math.max(deepest, level);
            for (Object child : children) {
                if (child instanceof Map || child instanceof Iterable) {
                    pending.push(new Object[] {child, level + 1});
                }
            }
        }
        return deepest;
    }

    /** The fields (the post's names) a record must have, comma-separated; id is always required. */
    public void setRequired(String fields) {
        Set<String> names = new LinkedHashSet<>();
        names.add(PostFields.ID);
        for (String field : fields.split(",")) {
            if (!field.isBlank()) {
                names.add(field.strip().replace('-', '_'));
            }
        }
        this.required = names;
    }

    public void setIdMaxBytes(int idMaxBytes) {
        this.idMaxBytes = idMaxBytes;
    }

    /** A regular expression every id must match as a whole, on top of the default rule; empty: none. */
    public void setIdPattern(String idPattern) {
        this.idPattern = idPattern == null || idPattern.isEmpty() ? null : Pattern.compile(idPattern);
    }

    public void setMaxBodyLength(int maxBodyLength) {
        this.maxBodyLength = maxBodyLength;
    }

    public void setMaxJsonDepth(int maxJsonDepth) {
        this.maxJsonDepth = maxJsonDepth;
    }
}
