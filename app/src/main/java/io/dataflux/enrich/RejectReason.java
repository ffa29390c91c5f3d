package io.dataflux.enrich;

/** Why a record was refused; the dead letter and the metrics group rejected records by it. */
public enum RejectReason {
    /** Larger than dataflux.record.max-bytes before parsing. */
    TOO_LARGE,
    /** The bytes are not valid UTF-8. */
    INVALID_UTF8,
    /** Not parseable as JSON (broken syntax, trailing garbage, duplicate keys). */
    MALFORMED_JSON,
    /** Valid JSON, but not an object. */
    NOT_AN_OBJECT,
    /** A required field is absent or null. */
    MISSING_FIELD,
    /** A field holds a value of the wrong JSON type. */
    WRONG_TYPE,
    /** A field has the right type but an unacceptable value (too long, bad format). */
    INVALID_VALUE,
    /** A sink refused the record for its content (e.g. MySQL rejected the row), while it accepted the rest of the batch. */
    REJECTED_BY_SINK
}
