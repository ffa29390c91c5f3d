package io.dataflux.component.hdfs;

/** The file types the old camel-hdfs knew; only {@link #NORMAL_FILE} is supported, the others fail at start-up. */
public enum HdfsFileType {
    NORMAL_FILE,
    SEQUENCE_FILE,
    MAP_FILE,
    BLOOMMAP_FILE,
    ARRAY_FILE
}
