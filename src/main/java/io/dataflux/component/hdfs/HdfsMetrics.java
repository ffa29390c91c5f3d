package io.dataflux.component.hdfs;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Counters of one endpoint's producer, kept on the endpoint until a metrics registry is wired in. */
public final class HdfsMetrics {

    private final LongAdder records = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    private final LongAdder exchanges = new LongAdder();
    private final LongAdder writeErrors = new LongAdder();
    private final Map<RollReason, LongAdder> rolls = new EnumMap<>(RollReason.class);

    HdfsMetrics() {
        for (RollReason reason : RollReason.values()) {
            rolls.put(reason, new LongAdder());
        }
    }

    void written(long recordCount, long byteCount) {
        records.add(recordCount);
        bytes.add(byteCount);
    }

    void exchangeWritten() {
        exchanges.increment();
    }

    void writeFailed() {
        writeErrors.increment();
    }

    void rolled(RollReason reason) {
        rolls.get(reason).increment();
    }

    public long getRecordsWritten() {
        return records.sum();
    }

    public long getBytesWritten() {
        return bytes.sum();
    }

    public long getExchangesWritten() {
        return exchanges.sum();
    }

    public long getWriteErrors() {
        return writeErrors.sum();
    }

    /** Files committed (rolled) for the given reason. */
    public long getRolls(RollReason reason) {
        return rolls.get(reason).sum();
    }

    /** Files committed for any reason. */
    public long getRolls() {
        return rolls.values().stream().mapToLong(LongAdder::sum).sum();
    }
}
