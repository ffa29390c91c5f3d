package io.dataflux.enrich;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.regex.Pattern;

import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Processor;

/**
 * The last gate before the sinks: required fields, their types and sizes. A post that passes can be written to MySQL,
 * keyed in Kafka and archived without any sink refusing it for its content.
 */
public final class PostValidator implements Processor {

    /** Ids become Kafka keys and MySQL keys: printable, no spaces, no path separators. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]*");

    private int maxIdLength = 64;
    private int maxTitleLength = 300;
    private int maxBodyLength = 20_000;

    @Override
    public void process(Exchange exchange) throws InvalidPayloadException {
        @SuppressWarnings("unchecked")
        Map<String, Object> post = exchange.getIn().getMandatoryBody(Map.class);
        validate(post);
    }

    public void validate(Map<String, Object> post) {
        identifier(post, PostFields.ID);
        identifier(post, PostFields.AUTHOR_ID);
        PostFields.optionalString(post, PostFields.THREAD_ID).ifPresent(threadId -> identifier(post, PostFields.THREAD_ID));
        String body = PostFields.requiredString(post, PostFields.BODY);
        String title = PostFields.optionalString(post, PostFields.TITLE).orElse("");
        maxLength(PostFields.TITLE, title, maxTitleLength);
        maxLength(PostFields.BODY, body, maxBodyLength);
        if (title.isBlank() && body.isBlank()) {
            throw new RejectedRecordException(RejectReason.INVALID_VALUE, PostFields.BODY, "the post has no text");
        }
        PostFields.optionalString(post, PostFields.URL).ifPresent(url -> maxLength(PostFields.URL, url, 2048));
        PostFields.optionalString(post, PostFields.CREATED_AT).ifPresent(PostValidator::timestamp);
    }

    private void identifier(Map<String, Object> post, String field) {
        String value = PostFields.requiredString(post, field);
        maxLength(field, value, maxIdLength);
        if (!ID.matcher(value).matches()) {
            throw new RejectedRecordException(RejectReason.INVALID_VALUE, field,
                    "field '" + field + "' may hold only letters, digits and . _ : - (starting with a letter or digit)");
        }
    }

    private static void maxLength(String field, String value, int max) {
        if (value.length() > max) {
            throw new RejectedRecordException(RejectReason.INVALID_VALUE, field,
                    "field '" + field + "' has " + value.length() + " characters, more than " + max);
        }
    }

    private static void timestamp(String value) {
        try {
            OffsetDateTime.parse(value);
        } catch (DateTimeParseException e) {
            throw new RejectedRecordException(RejectReason.INVALID_VALUE, PostFields.CREATED_AT,
                    "field 'created_at' must be an ISO-8601 date-time with offset (e.g. 2026-11-24T10:15:30Z), not '"
                            + value + "'");
        }
    }

    public void setMaxIdLength(int maxIdLength) {
        this.maxIdLength = maxIdLength;
    }

    public void setMaxTitleLength(int maxTitleLength) {
        this.maxTitleLength = maxTitleLength;
    }

    public void setMaxBodyLength(int maxBodyLength) {
        this.maxBodyLength = maxBodyLength;
    }
}
