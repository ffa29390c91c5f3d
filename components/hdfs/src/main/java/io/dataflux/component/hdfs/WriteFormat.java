package io.dataflux.component.hdfs;

/** How records are laid out in a file. */
public enum WriteFormat {
    /** One record per line, followed by the delimiter; maps and other objects become JSON (JSON lines). */
    LINES,
    /** The bytes of each record as they are, nothing added. */
    BYTES
}
