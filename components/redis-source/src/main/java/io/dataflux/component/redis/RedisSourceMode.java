package io.dataflux.component.redis;

/** What the key holds and how it is consumed. */
public enum RedisSourceMode {
    /** A stream read through a consumer group (XREADGROUP, XACK, XAUTOCLAIM). */
    STREAM,
    /** A list used as a reliable queue (BLMOVE into a per-consumer processing list, LREM on completion). */
    LIST
}
