package io.dataflux.bench;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;

import io.dataflux.testing.PipelineProbe;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.resps.StreamGroupInfo;

/** Small helpers the harness's parts share. */
final class Bench {

    private Bench() {
    }

    /** Polls every 20 ms until the condition holds; fails after the timeout. */
    static void await(String what, long timeoutSeconds, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + timeoutSeconds + " s waiting until " + what);
            }
            Thread.sleep(20);
        }
    }

    /** Entries the group has read and acknowledged: entries-read minus pending (Redis 7+),
     * 0 before the group exists or has read anything. */
    static long acknowledged(String stream, String group) {
        try (Jedis redis = PipelineProbe.redis()) {
            if (!redis.exists(stream)) {
                return 0;
            }
            for (StreamGroupInfo info : redis.xinfoGroups(stream)) {
                if (info.getName().equals(group)) {
                    if (!info.getGroupInfo().containsKey("entries-read")) {
                        throw new IllegalStateException("XINFO GROUPS has no entries-read: the harness needs Redis 7+");
                    }
                    // null until the group's first read
                    Object read = info.getGroupInfo().get("entries-read");
                    if (read == null) {
                        return 0;
                    }
                    return ((Number) read).longValue() - info.getPending();
                }
            }
            return 0;
        }
    }

    /** A measured interval: wall-clock time and the CPU time of each process, from start to {@link #end}. */
    static final class Interval {

        private final Map<String, Long> pids;
        private final Map<String, Long> before;
        private final long began;

        private Interval(Map<String, Long> pids) {
            this.pids = pids;
            this.before = ProcCpu.snapshot(pids);
            this.began = System.nanoTime();
        }

        /** Starts measuring these processes (name to pid) now. */
        static Interval start(Map<String, Long> pids) {
            return new Interval(pids);
        }

        Measurement end(String kind, String name, long records, long bytes, String note) {
            double seconds = (System.nanoTime() - began) / 1e9;
            return new Measurement(kind, name, records, bytes, seconds, note,
                    ProcCpu.seconds(before, ProcCpu.snapshot(pids)));
        }
    }
}
