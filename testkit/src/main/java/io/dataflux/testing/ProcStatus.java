package io.dataflux.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads memory figures from /proc, for the harness's summary of what the test run cost. */
final class ProcStatus {

    private ProcStatus() {
    }

    /** Peak resident set size (VmHWM) of a process in kilobytes, or -1 where /proc does not tell. */
    static long peakRssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
