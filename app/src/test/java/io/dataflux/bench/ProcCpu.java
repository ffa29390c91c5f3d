package io.dataflux.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time of processes from {@code /proc/<pid>/stat}: utime + stime (fields 14 and 15, all threads of the process),
 * in clock ticks of {@code getconf CLK_TCK}. A snapshot before and after an interval gives each process's CPU seconds.
 */
final class ProcCpu {

    /** Clock ticks per second, as {@code getconf CLK_TCK} says (100 on Linux unless configured otherwise). */
    static final long CLOCK_TICKS = clockTicks();

    private ProcCpu() {
    }

    /** utime + stime of each named process now, in ticks; a process that is gone counts as absent. */
    static Map<String, Long> snapshot(Map<String, Long> pids) {
        Map<String, Long> ticks = new LinkedHashMap<>();
        pids.forEach((name, pid) -> {
            long t = ticks(pid);
            if (t >= 0) {
                ticks.put(name, t);
            }
        });
        return ticks;
    }

    /** CPU seconds each process used between two snapshots (processes in both only). */
    static Map<String, Double> seconds(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Double> seconds = new LinkedHashMap<>();
        before.forEach((name, ticks) -> {
            Long now = after.get(name);
            if (now != null) {
                seconds.put(name, (now - ticks) / (double) CLOCK_TICKS);
            }
        });
        return seconds;
    }

    /** utime + stime of one process in ticks, or -1 when it is gone. */
    static long ticks(long pid) {
        try {
            return cpuTicks(Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException gone) {
            return -1;
        }
    }

    /** utime + stime of a {@code stat} line (a process's or a thread's). */
    private static long cpuTicks(String stat) {
        // the command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // fields[0] is field 3 (state): utime is field 14, stime field 15
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** The JVM thread groups the report shows apart: what compiling and collecting cost beside the pipeline's work. */
    static final String JIT = "JIT compilers";
    static final String GC = "garbage collector";

    /**
     * utime + stime of a JVM's JIT compiler threads (C1 and C2) and of its garbage collector's (GC workers, G1's
     * concurrent and refinement threads, and the VM thread that runs the pauses), from {@code /proc/<pid>/task}, in
     * ticks. The difference of two snapshots is what those threads used in between, less what a thread that ended in
     * between had used: JDK 17 never ends GC threads, but ends idle compiler threads beyond the first of each kind
     * (none on 2 cores, where there is one of each), so on a larger machine the JIT figure is a lower bound.
     */
    static Map<String, Long> jvmThreads(long pid) {
        Map<String, Long> ticks = new LinkedHashMap<>();
        ticks.put(JIT, 0L);
        ticks.put(GC, 0L);
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            tasks.forEach(task -> {
                try {
                    String stat = Files.readString(task.resolve("stat"), StandardCharsets.UTF_8);
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String group = name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre") ? JIT
                            : name.startsWith("GC Thread") || name.startsWith("G1 ") || name.equals("VM Thread") ? GC
                            : null;
                    if (group != null) {
                        ticks.merge(group, cpuTicks(stat), Long::sum);
                    }
                } catch (IOException | RuntimeException gone) {
                    // the thread ended between the listing and the read
                }
            });
        } catch (IOException gone) {
            return Map.of();
        }
        return ticks;
    }

    private static long clockTicks() {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            getconf.waitFor();
            return Long.parseLong(out);
        } catch (Exception e) {
            throw new IllegalStateException("getconf CLK_TCK failed: the benchmark reads CPU time from /proc", e);
        }
    }
}
