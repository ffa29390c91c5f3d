package io.dataflux.component.redis;

import java.util.Map;

/**
 * An entry as Redis returned it, before decoding: a stream entry's id and fields (null fields: deleted from the stream
 * while pending), or a list item's bytes.
 */
record RawEntry(String id, Map<byte[], byte[]> fields, byte[] item, long deliveryCount) {

    static RawEntry streamEntry(String id, Map<byte[], byte[]> fields, long deliveryCount) {
        return new RawEntry(id, fields, null, deliveryCount);
    }

    static RawEntry listItem(byte[] item, long deliveryCount) {
        return new RawEntry(null, null, item, deliveryCount);
    }

    boolean deletedFromStream() {
        return id != null && fields == null;
    }
}
