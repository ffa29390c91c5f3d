package io.dataflux.component.hdfs;

/** What the producer does to the open file before it completes an exchange. */
public enum SyncMode {
    /** Data is on the DataNodes' disks (fsync): a completed exchange survives a power loss. */
    HSYNC,
    /** Data is in the DataNodes' memory and visible to new readers; survives a client crash, not a power loss. */
    HFLUSH,
    /** Nothing: data may sit in client buffers until the file is rolled. */
    NONE
}
