package io.dataflux.cli;

import java.io.PrintStream;

/**
 * Progress of a long task: one line rewritten in place on a terminal, plain lines every few seconds when the output
 * is a file or a pipe (a CI log or {@code | tee} must not fill with carriage returns).
 */
public final class ProgressLine {

    private final PrintStream out;
    private final boolean terminal;
    private final long plainEveryNanos;
    private final long started = System.nanoTime();
    private long lastPlain = Long.MIN_VALUE;
    private int lastLength;

    public ProgressLine(PrintStream out, boolean terminal, long plainEverySeconds) {
        this.out = out;
        this.terminal = terminal;
        this.plainEveryNanos = plainEverySeconds * 1_000_000_000L;
    }

    /** Whether standard output is a terminal (System.console() is null when either end is redirected). */
    public static boolean onTerminal() {
        return System.console() != null && System.getenv("CI") == null;
    }

    public double elapsedSeconds() {
        return (System.nanoTime() - started) / 1e9;
    }

    public void show(String line) {
        if (terminal) {
            out.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
            lastLength = line.length();
            out.flush();
        } else if (lastPlain == Long.MIN_VALUE || System.nanoTime() - lastPlain >= plainEveryNanos) {
            out.println(line);
            lastPlain = System.nanoTime();
        }
    }

    /** The last state, always printed, ending the line. */
    public void finish(String line) {
        if (terminal) {
            out.print("\r");
        }
        out.println(line + (terminal ? " ".repeat(Math.max(0, lastLength - line.length())) : ""));
    }
}
