package io.dataflux.component.hdfs;

/** Which file system the endpoint's path lives on. */
public enum HdfsFileSystemType {
    /** An HDFS cluster reached through its NameNode (or an HA name service). */
    HDFS,
    /** The local disk through Hadoop's RawLocalFileSystem (no checksum files, real fsync): for demos and tests. */
    LOCAL
}
