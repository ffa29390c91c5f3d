package io.dataflux.component.redis;

import org.apache.camel.spi.Metadata;

/** Headers and exchange properties of the redis-source component. */
public final class RedisSourceConstants {

    @Metadata(description = "Set to true (as a header or an exchange property) by a route that takes over the acknowledgement"
            + " of the exchange's entries: the consumer then does not acknowledge them when the exchange completes; the route"
            + " calls RedisEntry.ack() (or release()) for each of them later.", javaType = "Boolean")
    public static final String MANUAL_ACK = "DataFluxRedis.ManualAck";
    @Metadata(description = "The Redis key the entries were read from.", javaType = "String")
    public static final String KEY = "DataFluxRedis.Key";
    @Metadata(description = "The number of entries in the exchange (batch mode).", javaType = "Integer")
    public static final String BATCH_SIZE = "DataFluxRedis.BatchSize";
    @Metadata(description = "Per-entry mode: the entry itself, with its acknowledgement handle.",
              javaType = "io.dataflux.component.redis.RedisEntry")
    public static final String ENTRY = "DataFluxRedis.Entry";
    @Metadata(description = "Per-entry mode: the stream id of the entry (stream mode only).", javaType = "String")
    public static final String ID = "DataFluxRedis.Id";
    @Metadata(description = "Per-entry mode: how many times the entry has been delivered, this time included.",
              javaType = "Long")
    public static final String DELIVERY_COUNT = "DataFluxRedis.DeliveryCount";
    @Metadata(description = "On exchanges sent to deadLetterUri: why the entry was dead-lettered.", javaType = "String")
    public static final String DEAD_LETTER_REASON = "DataFluxRedis.DeadLetterReason";
    @Metadata(description = "On exchanges sent to deadLetterUri: the length in bytes of the entry's payload (the body,"
            + " unless the payload was larger than deadLetterMaxBytes).", javaType = "Long")
    public static final String PAYLOAD_LENGTH = "DataFluxRedis.PayloadLength";
    @Metadata(description = "On exchanges sent to deadLetterUri for a payload larger than deadLetterMaxBytes: the SHA-1"
            + " (hex) of the payload, whose bytes are then not sent (the body is empty).", javaType = "String")
    public static final String PAYLOAD_SHA1 = "DataFluxRedis.PayloadSha1";

    /** Fields added to a dead-letter stream entry next to the original fields. */
    public static final String DEAD_LETTER_REASON_FIELD = "dataflux.reason";
    public static final String DEAD_LETTER_DELIVERIES_FIELD = "dataflux.deliveries";
    public static final String DEAD_LETTER_SOURCE_FIELD = "dataflux.source";
    public static final String DEAD_LETTER_SOURCE_ID_FIELD = "dataflux.source-id";
    /** On the dead-letter entry of an entry too large to be copied: its length and the SHA-1 of its payload. */
    public static final String DEAD_LETTER_LENGTH_FIELD = "dataflux.length";
    public static final String DEAD_LETTER_SHA1_FIELD = "dataflux.sha1";
    /** List mode: the dead-letter entry's field holding the original item. */
    public static final String LIST_VALUE_FIELD = "value";

    private RedisSourceConstants() {
    }
}
