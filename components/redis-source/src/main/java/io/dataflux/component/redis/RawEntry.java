package io.dataflux.component.redis;

import java.util.Map;

/**
 * An entry as Redis returned it, before decoding: a stream entry's id and fields (null fields: deleted from the stream
 * while pending, or oversized), or a list item's bytes.
 *
 * @param deliveryCount how many times Redis delivered it (stream), or 1 + its failures (list)
 * @param failures      the failed deliveries the records caused (outages not counted), for maxDeliveries
 * @param size          its size in bytes as recordMaxBytes measures it (the payload field, or the whole entry)
 * @param oversized     larger than recordMaxBytes: its fields were not read (stream mode)
 * @param payloadSha1   stream entries too large to be read even alone: the SHA-1 of the payload, computed by Redis
 */
record RawEntry(String id, Map<byte[], byte[]> fields, byte[] item, long deliveryCount, long failures, long size,
                boolean oversized, String payloadSha1) {

    static RawEntry streamEntry(String id, Map<byte[], byte[]> fields, long deliveryCount) {
        return new RawEntry(id, fields, null, deliveryCount, 0, -1, false, null);
    }

    static RawEntry listItem(byte[] item, long deliveryCount) {
        return new RawEntry(null, null, item, deliveryCount, deliveryCount - 1, item.length, false, null);
    }

    RawEntry withFields(Map<byte[], byte[]> newFields) {
        return new RawEntry(id, newFields, item, deliveryCount, failures, size, oversized, payloadSha1);
    }

    boolean deletedFromStream() {
        return id != null && fields == null && !oversized;
    }
}
