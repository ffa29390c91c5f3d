package io.dataflux.component.hdfs;

import org.apache.camel.spi.Metadata;

/** The message headers the hdfs component reads and sets. */
public final class HdfsConstants {

    @Metadata(label = "producer", description = "The partition directory (relative to the endpoint path, levels separated"
            + " by /) to write to; overrides the partition option. Each level is sanitised.", javaType = "String")
    public static final String PARTITION = "CamelHdfsPartition";
    @Metadata(label = "producer", description = "The final path of the file the exchange's records were written to (the"
            + " last one when they went to several partitions).", javaType = "String")
    public static final String PATH = "CamelHdfsPath";
    @Metadata(label = "producer", description = "The final paths of every file the exchange's records were written to.",
              javaType = "java.util.List<String>")
    public static final String PATHS = "CamelHdfsPaths";
    @Metadata(label = "producer", description = "How many records the exchange wrote.", javaType = "long")
    public static final String RECORDS = "CamelHdfsRecords";
    @Metadata(label = "producer", description = "The index (from 0) of the exchange's first record in the file of"
            + " CamelHdfsPath: with JSON lines, the line it starts at. Counts the records this writer wrote to the file.",
              javaType = "long")
    public static final String FIRST_RECORD_INDEX = "CamelHdfsFirstRecordIndex";
    @Metadata(label = "producer", description = "The index of the exchange's first record in each file of"
            + " CamelHdfsPaths, in the same order.", javaType = "java.util.List<Long>")
    public static final String FIRST_RECORD_INDEXES = "CamelHdfsFirstRecordIndexes";
    @Metadata(label = "producer", description = "How many bytes the exchange wrote (after compression).", javaType = "long")
    public static final String BYTES = "CamelHdfsBytes";
    @Metadata(label = "producer", description = "Set when writing the exchange rolled a file: SIZE or COUNT"
            + " after the write, AGE or IDLE when the open file had expired just before it.",
              javaType = "io.dataflux.component.hdfs.RollReason")
    public static final String ROLL_REASON = "CamelHdfsRollReason";
    @Metadata(label = "producer", description = "The final paths of the files that writing the exchange committed.",
              javaType = "java.util.List<String>")
    public static final String COMMITTED_PATHS = "CamelHdfsCommittedPaths";


    private HdfsConstants() {
    }
}
