package io.dataflux.bench;

/**
 * One contender's result: how many records (and bytes of records as read from Redis) it moved in how long.
 *
 * @param kind     ceiling, combined, naive or dataflux
 * @param name     what ran
 * @param records  records moved
 * @param bytes    their size as pushed to Redis
 * @param seconds  wall-clock time
 * @param note     how it ran, for the report
 */
record Measurement(String kind, String name, long records, long bytes, double seconds, String note) {

    double recordsPerSecond() {
        return records / seconds;
    }

    double megabytesPerSecond() {
        return bytes / seconds / 1e6;
    }

    /** The throughput of stages sharing one machine: 1 / sum(1 / ceiling_i), as records and bytes per second. */
    static Measurement combined(java.util.List<Measurement> ceilings, long records, long bytes) {
        double inverse = 0;
        for (Measurement ceiling : ceilings) {
            inverse += 1 / ceiling.recordsPerSecond();
        }
        // the time the stages would take one after another on the same cores for the same records
        double seconds = inverse * records;
        return new Measurement("combined", "combined ceiling 1/Σ(1/ceiling)", records, bytes, seconds,
                "all stages sharing the cores");
    }
}
