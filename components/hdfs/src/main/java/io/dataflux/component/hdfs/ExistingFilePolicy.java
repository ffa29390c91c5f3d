package io.dataflux.component.hdfs;

/** What the producer does when the final name of a new file already exists. */
public enum ExistingFilePolicy {
    /** Pick the next free name (the default; generated names carry the instance id and a sequence). */
    UNIQUE,
    /** Replace the existing file when the new one is committed. */
    OVERWRITE,
    /** Append to the existing file (the file system must support append); it stays under its final name. */
    APPEND,
    /** Fail the exchange. */
    FAIL
}
