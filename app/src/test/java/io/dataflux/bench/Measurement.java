package io.dataflux.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One contender's result: how many records (and bytes of records as read from Redis) it moved in how long, and the
 * CPU time each process spent over that interval.
 *
 * @param kind       ceiling, combined, naive or dataflux
 * @param name       what ran
 * @param records    records moved
 * @param bytes      their size as pushed to Redis
 * @param seconds    wall-clock time
 * @param note       how it ran, for the report
 * @param cpuSeconds CPU seconds (user + system, from /proc) per process over the interval
 */
record Measurement(String kind, String name, long records, long bytes, double seconds, String note,
        Map<String, Double> cpuSeconds) {

    Measurement withNote(String newNote) {
        return new Measurement(kind, name, records, bytes, seconds, newNote, cpuSeconds);
    }

    double recordsPerSecond() {
        return records / seconds;
    }

    double megabytesPerSecond() {
        return bytes / seconds / 1e6;
    }

    /** CPU µs per record of one process, or NaN when it was not measured (e.g. no pipeline JVM in a ceiling). */
    double cpuMicrosPerRecord(String process) {
        Double cpu = cpuSeconds.get(process);
        return cpu == null ? Double.NaN : cpu * 1e6 / records;
    }

    /** CPU µs per record over every process measured. */
    double totalCpuMicrosPerRecord() {
        return cpuSeconds.values().stream().mapToDouble(Double::doubleValue).sum() * 1e6 / records;
    }

    /**
     * The throughput of stages sharing one machine: 1 / sum(1 / ceiling_i), as records and bytes per second; the CPU
     * per record of each process is the sum of the stages' (each measured on the same records).
     */
    static Measurement combined(List<Measurement> ceilings, long records, long bytes) {
        double inverse = 0;
        Map<String, Double> cpu = new LinkedHashMap<>();
        for (Measurement ceiling : ceilings) {
            inverse += 1 / ceiling.recordsPerSecond();
            // scaled to this record count (every ceiling runs over the same records, so the factor is 1)
            double scale = (double) records / ceiling.records();
            ceiling.cpuSeconds().forEach((process, seconds) -> cpu.merge(process, seconds * scale, Double::sum));
        }
        // the time the stages would take one after another on the same cores for the same records
        double seconds = inverse * records;
        return new Measurement("combined", "combined ceiling 1/Σ(1/ceiling)", records, bytes, seconds,
                "all stages sharing the cores, one after another", cpu);
    }
}
