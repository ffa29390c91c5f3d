package io.dataflux.component.hdfs;

import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.ManagementStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Published to the CamelContext's event notifiers each time a file is committed, including the rolls the timer does
 * when no exchange is there to carry a header.
 */
public final class HdfsRollEvent implements CamelEvent {

    private static final Logger LOG = LoggerFactory.getLogger(HdfsRollEvent.class);

    private final HdfsEndpoint endpoint;
    private final RollReason reason;
    private final String path;
    private final long records;
    private final long bytes;
    private final String writer;
    private final long truncatedBytes;
    private long timestamp = System.currentTimeMillis();

    HdfsRollEvent(HdfsEndpoint endpoint, RollReason reason, String path, long records, long bytes) {
        this(endpoint, reason, path, records, bytes, null, 0);
    }

    HdfsRollEvent(HdfsEndpoint endpoint, RollReason reason, String path, long records, long bytes, String writer,
            long truncatedBytes) {
        this.endpoint = endpoint;
        this.reason = reason;
        this.path = path;
        this.records = records;
        this.bytes = bytes;
        this.writer = writer;
        this.truncatedBytes = truncatedBytes;
    }

    /** Sends this event to the context's event notifiers; a failing notifier never fails the commit. */
    void publish() {
        ManagementStrategy management = endpoint.getCamelContext().getManagementStrategy();
        if (management == null || management.getEventNotifiers().isEmpty()) {
            return;
        }
        try {
            management.notify(this);
        } catch (Exception e) {
            LOG.debug("hdfs: an event notifier failed on {}", this, e);
        }
    }

    /** The instance that wrote a recovered file (null for this writer's own rolls). */
    public String getWriter() {
        return writer;
    }

    /** Bytes recovery cut off the file (a torn write after its writer's last recorded sync). */
    public long getTruncatedBytes() {
        return truncatedBytes;
    }

    @Override
    public Type getType() {
        return Type.Custom;
    }

    @Override
    public Object getSource() {
        return endpoint;
    }

    @Override
    public long getTimestamp() {
        return timestamp;
    }

    @Override
    public void setTimestamp(long timestamp) {
        this.timestamp = timestamp;
    }

    public RollReason getReason() {
        return reason;
    }

    /** The committed file's final path. */
    public String getPath() {
        return path;
    }

    public long getRecords() {
        return records;
    }

    public long getBytes() {
        return bytes;
    }

    @Override
    public String toString() {
        return "HdfsRollEvent[" + reason + " " + path + ", " + records + " records, " + bytes + " bytes]";
    }
}
