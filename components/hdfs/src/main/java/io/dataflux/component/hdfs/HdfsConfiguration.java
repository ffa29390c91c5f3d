package io.dataflux.component.hdfs;

import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriParams;
import org.apache.camel.spi.UriPath;

/**
 * The options of an hdfs endpoint, and (without the path) of the component, whose values are every endpoint's
 * defaults. Names known from the old camel-hdfs keep their meaning.
 */
@UriParams
public class HdfsConfiguration implements Cloneable {

    /** The NameNode's host name, or the name service when namedNodes is set; ignored for fileSystemType=LOCAL. */
    @UriPath
    @Metadata(required = true)
    private String hostName;
    /** The NameNode's RPC port. */
    @UriPath(defaultValue = "8020")
    private int port = 8020;
    /** The base directory: files are written under it (in partition directories). */
    @UriPath
    @Metadata(required = true)
    private String path;

    /** Which file system the path is on: HDFS, or LOCAL (the local disk through RawLocalFileSystem). */
    @UriParam(label = "common", defaultValue = "HDFS")
    private HdfsFileSystemType fileSystemType = HdfsFileSystemType.HDFS;
    /**
     * HA: the NameNodes of the name service given as hostName, as a comma-separated list of host:port. The client
     * fails over between them (ConfiguredFailoverProxyProvider).
     */
    @UriParam(label = "common")
    private String namedNodes;
    /** How long to wait for a connection to the NameNode. */
    @UriParam(label = "common,advanced", defaultValue = "5000", javaType = "java.time.Duration")
    private long connectTimeout = 5000;
    /** How often to retry a refused or timed-out connection to the NameNode before failing. */
    @UriParam(label = "common,advanced", defaultValue = "1")
    private int maxConnectRetries = 1;
    /** Whether to check at start-up that the NameNode answers (and recover in-progress files then); if false, on first use. */
    @UriParam(label = "common", defaultValue = "true")
    private boolean connectOnStartup = true;
    /** Extra Hadoop client settings, each as an option prefixed hadoop., e.g. hadoop.dfs.client.use.datanode.hostname=true. */
    @UriParam(label = "common,advanced", prefix = "hadoop.", multiValue = true)
    private Map<String, Object> hadoopProperties = new HashMap<>();
    /** Prefix of the name a file has while it is being written; Hadoop tools skip names starting with _ or a dot. */
    @UriParam(label = "common", defaultValue = "_")
    private String inProgressPrefix = "_";
    /** Suffix (after a dot) of the name a file has while it is being written. */
    @UriParam(label = "common", defaultValue = "opened")
    private String openedSuffix = "opened";
    /**
     * The compression codec; for JSONL its extension (.gz, .bz2, .deflate, ...) is added to written file names. AVRO and
     * PARQUET compress inside the file (no extension added): SNAPPY, ZSTANDARD or GZIP (Avro writes GZIP and DEFLATE as
     * its deflate codec), NONE, and BZIP2 for Avro or LZ4 (LZ4_RAW) for Parquet.
     */
    @UriParam(label = "common", defaultValue = "NONE")
    private HdfsCompressionCodec compressionCodec = HdfsCompressionCodec.NONE;
    /** The krb5.conf to use for Kerberos (sets java.security.krb5.conf for the whole JVM). */
    @UriParam(label = "security")
    private String kerberosConfigFileLocation;
    /** The Kerberos principal to log in as (with kerberosKeytabLocation). */
    @UriParam(label = "security", secret = true)
    private String kerberosUsername;
    /** The keytab file of kerberosUsername. */
    @UriParam(label = "security")
    private String kerberosKeytabLocation;

    /** The instance id in generated file names: unique per replica, so replicas never write the same file. Defaults to the host name. */
    @UriParam(label = "producer")
    private String instanceId;
    /** The first part of generated file names: prefix-instanceId-startTime-sequence.extension. */
    @UriParam(label = "producer", defaultValue = "part")
    private String filePrefix = "part";
    /** A fixed file name instead of generated ones (simple language, e.g. events-${date:now:yyyyMMdd}.log). */
    @UriParam(label = "producer")
    private String fileName;
    /** The extension of generated file names; defaults to .avro or .parquet for those formats, .jsonl for LINES and none for BYTES. */
    @UriParam(label = "producer")
    private String fileExtension;
    /**
     * The partition directory under the path, in the simple language, e.g. dt=${date:now:yyyy-MM-dd}/hour=${date:now:HH}.
     * Each / outside ${} starts a level; values are sanitised (a / or control character becomes _, and a level of
     * . or .. fails the exchange).
     */
    @UriParam(label = "producer")
    private String partition;
    /** Evaluate the partition for each record of a list body (e.g. ${body[country]}) instead of once per exchange. */
    @UriParam(label = "producer", defaultValue = "false")
    private boolean partitionPerRecord;
    /**
     * JSONL (rolling files of lines, see format), AVRO or PARQUET: an Avro or Parquet file per exchange (and partition),
     * complete with its footer and committed before the exchange completes; the body is Avro records of one schema.
     */
    @UriParam(label = "producer", defaultValue = "JSONL")
    private FileFormat fileFormat = FileFormat.JSONL;
    /**
     * PARQUET: the most bytes of records buffered (per file) before a row group is written; a file per exchange rarely
     * reaches it, it bounds the writer's memory when it does.
     */
    @UriParam(label = "producer,advanced", defaultValue = "8388608")
    private long parquetRowGroupSize = 8L * 1024 * 1024;
    /** PARQUET: the size of a page (the unit of encoding and compression within a column chunk) in bytes. */
    @UriParam(label = "producer,advanced", defaultValue = "1048576")
    private int parquetPageSize = 1024 * 1024;
    /** LINES (a delimiter after each record, maps and objects as JSON) or BYTES (records as they are). */
    @UriParam(label = "producer", defaultValue = "LINES")
    private WriteFormat format = WriteFormat.LINES;
    /** The delimiter written after each record in the LINES format (\n, \r and \t are understood). */
    @UriParam(label = "producer", defaultValue = "\\n")
    private String delimiter = "\n";
    /** Roll the file once it holds this many bytes (as stored); 0 turns size rolling off. */
    @UriParam(label = "producer", defaultValue = "134217728")
    private long rollSize = 134_217_728L;
    /** Roll the file once it holds this many records; 0 turns count rolling off. */
    @UriParam(label = "producer", defaultValue = "0")
    private long rollCount;
    /** Roll the file once it has been open this long, even with no traffic; 0 turns age rolling off. */
    @UriParam(label = "producer", defaultValue = "3600000", javaType = "java.time.Duration")
    private long rollAge = 3_600_000L;
    /** Roll the file once nothing was written to it for this long, even with no traffic; 0 turns idle rolling off. */
    @UriParam(label = "producer", defaultValue = "0", javaType = "java.time.Duration")
    private long rollIdle;
    /** How often the timer checks open files for the age and idle rolls. */
    @UriParam(label = "producer", defaultValue = "1000", javaType = "java.time.Duration")
    private long checkIdleInterval = 1000;
    /**
     * The camel-hdfs roll rules, e.g. IDLE:1000,BYTES:5000,MESSAGES:100 (idle milliseconds, bytes, records); sets rollIdle,
     * rollSize and rollCount.
     */
    @UriParam(label = "producer")
    private String splitStrategy;
    /** What to do before an exchange completes: HSYNC (durable on disk), HFLUSH (visible, in DataNode memory) or NONE. */
    @UriParam(label = "producer", defaultValue = "HSYNC")
    private SyncMode syncMode = SyncMode.HSYNC;
    /** What to do when a new file's final name exists: UNIQUE, OVERWRITE, APPEND or FAIL. */
    @UriParam(label = "producer", defaultValue = "UNIQUE")
    private ExistingFilePolicy existingFilePolicy = ExistingFilePolicy.UNIQUE;
    /** camel-hdfs: true replaces an existing file (existingFilePolicy=OVERWRITE), false fails (FAIL); unset, existingFilePolicy decides. */
    @UriParam(label = "producer")
    private Boolean overwrite;
    /** camel-hdfs: append to an existing file (existingFilePolicy=APPEND). */
    @UriParam(label = "producer", defaultValue = "false")
    private boolean append;
    /** The HDFS block size of new files in bytes; 0 uses the file system's default. */
    @UriParam(label = "producer,advanced", defaultValue = "0")
    private long blockSize;
    /** The replication of new files; 0 uses the file system's default. */
    @UriParam(label = "producer,advanced", defaultValue = "0")
    private short replication;
    /** The buffer size of the file streams in bytes. */
    @UriParam(label = "producer,advanced", defaultValue = "4096")
    private int bufferSize = 4096;
    /** On stop, how long flushing and committing the open files may take; files not done by then are recovered on the next start. */
    @UriParam(label = "producer", defaultValue = "30000", javaType = "java.time.Duration")
    private long shutdownTimeout = 30_000;
    /** At start, commit (or remove, when empty) the in-progress files this instance left behind. */
    @UriParam(label = "producer", defaultValue = "true")
    private boolean recoverOnStartup = true;
    /** How long start-up recovery waits for HDFS to recover the lease of one file. */
    @UriParam(label = "producer,advanced", defaultValue = "30000", javaType = "java.time.Duration")
    private long leaseRecoveryTimeout = 30_000;
    /**
     * How often this writer refreshes its heartbeat (the modification time of _heartbeats/<directory name>/instanceId beside the path);
     * other instances recover its in-progress files only once the heartbeat is older than heartbeatExpiry. 0: no
     * heartbeat (this writer's files then look abandoned to the others: one writer only).
     */
    @UriParam(label = "producer", defaultValue = "5000", javaType = "java.time.Duration")
    private long heartbeatInterval = 5_000;
    /** A writer whose heartbeat is older than this is dead: its in-progress files are recovered and committed. */
    @UriParam(label = "producer", defaultValue = "30000", javaType = "java.time.Duration")
    private long heartbeatExpiry = 30_000;
    /** The Jackson ObjectMapper that turns maps and objects into JSON lines; defaults to the single one in the registry, or a new one. */
    @UriParam(label = "producer,advanced")
    private ObjectMapper objectMapper;

    /** A copy for one endpoint: the component's values as its defaults, its own Hadoop settings map. */
    public HdfsConfiguration copy() {
        try {
            HdfsConfiguration copy = (HdfsConfiguration) clone();
            copy.hadoopProperties = new HashMap<>(hadoopProperties);
            return copy;
        } catch (CloneNotSupportedException e) {
            throw new RuntimeCamelException(e);
        }
    }

    /** Parses hostName[:port]/path from the remaining part of an endpoint URI. */
    void parseLocation(String remaining) {
        String location = remaining.startsWith("//") ? remaining.substring(2) : remaining;
        int slash = location.indexOf('/');
        String authority = slash < 0 ? location : location.substring(0, slash);
        path = slash < 0 ? "/" : location.substring(slash);
        int colon = authority.indexOf(':');
        if (colon < 0) {
            hostName = authority;
        } else {
            hostName = authority.substring(0, colon);
            try {
                port = Integer.parseInt(authority.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("hdfs: the port in '" + remaining + "' is not a number");
            }
        }
    }

    public String getHostName() {
        return hostName;
    }

    public void setHostName(String hostName) {
        this.hostName = hostName;
    }

    public int getPort() {
        return port;
    }

    public void setPort(int port) {
        this.port = port;
    }

    public String getPath() {
        return path;
    }

    public void setPath(String path) {
        this.path = path;
    }

    public HdfsFileSystemType getFileSystemType() {
        return fileSystemType;
    }

    public void setFileSystemType(HdfsFileSystemType fileSystemType) {
        this.fileSystemType = fileSystemType;
    }

    public String getNamedNodes() {
        return namedNodes;
    }

    public void setNamedNodes(String namedNodes) {
        this.namedNodes = namedNodes;
    }

    public long getConnectTimeout() {
        return connectTimeout;
    }

    public void setConnectTimeout(long connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public int getMaxConnectRetries() {
        return maxConnectRetries;
    }

    public void setMaxConnectRetries(int maxConnectRetries) {
        this.maxConnectRetries = maxConnectRetries;
    }

    public boolean isConnectOnStartup() {
        return connectOnStartup;
    }

    public void setConnectOnStartup(boolean connectOnStartup) {
        this.connectOnStartup = connectOnStartup;
    }

    public Map<String, Object> getHadoopProperties() {
        return hadoopProperties;
    }

    public void setHadoopProperties(Map<String, Object> hadoopProperties) {
        this.hadoopProperties = hadoopProperties;
    }

    public String getInProgressPrefix() {
        return inProgressPrefix;
    }

    public void setInProgressPrefix(String inProgressPrefix) {
        this.inProgressPrefix = inProgressPrefix;
    }

    public String getOpenedSuffix() {
        return openedSuffix;
    }

    public void setOpenedSuffix(String openedSuffix) {
        this.openedSuffix = openedSuffix;
    }

    public HdfsCompressionCodec getCompressionCodec() {
        return compressionCodec;
    }

    public void setCompressionCodec(HdfsCompressionCodec compressionCodec) {
        this.compressionCodec = compressionCodec;
    }

    public String getKerberosConfigFileLocation() {
        return kerberosConfigFileLocation;
    }

    public void setKerberosConfigFileLocation(String kerberosConfigFileLocation) {
        this.kerberosConfigFileLocation = kerberosConfigFileLocation;
    }

    public String getKerberosUsername() {
        return kerberosUsername;
    }

    public void setKerberosUsername(String kerberosUsername) {
        this.kerberosUsername = kerberosUsername;
    }

    public String getKerberosKeytabLocation() {
        return kerberosKeytabLocation;
    }

    public void setKerberosKeytabLocation(String kerberosKeytabLocation) {
        this.kerberosKeytabLocation = kerberosKeytabLocation;
    }

    public String getInstanceId() {
        return instanceId;
    }

    public void setInstanceId(String instanceId) {
        this.instanceId = instanceId;
    }

    public String getFilePrefix() {
        return filePrefix;
    }

    public void setFilePrefix(String filePrefix) {
        this.filePrefix = filePrefix;
    }

    public String getFileName() {
        return fileName;
    }

    public void setFileName(String fileName) {
        this.fileName = fileName;
    }

    public String getFileExtension() {
        return fileExtension;
    }

    public void setFileExtension(String fileExtension) {
        this.fileExtension = fileExtension;
    }

    public String getPartition() {
        return partition;
    }

    public void setPartition(String partition) {
        this.partition = partition;
    }

    public boolean isPartitionPerRecord() {
        return partitionPerRecord;
    }

    public void setPartitionPerRecord(boolean partitionPerRecord) {
        this.partitionPerRecord = partitionPerRecord;
    }

    public FileFormat getFileFormat() {
        return fileFormat;
    }

    public void setFileFormat(FileFormat fileFormat) {
        this.fileFormat = fileFormat;
    }

    public long getParquetRowGroupSize() {
        return parquetRowGroupSize;
    }

    public void setParquetRowGroupSize(long parquetRowGroupSize) {
        this.parquetRowGroupSize = parquetRowGroupSize;
    }

    public int getParquetPageSize() {
        return parquetPageSize;
    }

    public void setParquetPageSize(int parquetPageSize) {
        this.parquetPageSize = parquetPageSize;
    }

    public WriteFormat getFormat() {
        return format;
    }

    public void setFormat(WriteFormat format) {
        this.format = format;
    }

    public String getDelimiter() {
        return delimiter;
    }

    public void setDelimiter(String delimiter) {
        this.delimiter = delimiter;
    }

    public long getRollSize() {
        return rollSize;
    }

    public void setRollSize(long rollSize) {
        this.rollSize = rollSize;
    }

    public long getRollCount() {
        return rollCount;
    }

    public void setRollCount(long rollCount) {
        this.rollCount = rollCount;
    }

    public long getRollAge() {
        return rollAge;
    }

    public void setRollAge(long rollAge) {
        this.rollAge = rollAge;
    }

    public long getRollIdle() {
        return rollIdle;
    }

    public void setRollIdle(long rollIdle) {
        this.rollIdle = rollIdle;
    }

    public long getCheckIdleInterval() {
        return checkIdleInterval;
    }

    public void setCheckIdleInterval(long checkIdleInterval) {
        this.checkIdleInterval = checkIdleInterval;
    }

    public String getSplitStrategy() {
        return splitStrategy;
    }

    public void setSplitStrategy(String splitStrategy) {
        this.splitStrategy = splitStrategy;
    }

    public SyncMode getSyncMode() {
        return syncMode;
    }

    public void setSyncMode(SyncMode syncMode) {
        this.syncMode = syncMode;
    }

    public ExistingFilePolicy getExistingFilePolicy() {
        return existingFilePolicy;
    }

    public void setExistingFilePolicy(ExistingFilePolicy existingFilePolicy) {
        this.existingFilePolicy = existingFilePolicy;
    }

    public Boolean getOverwrite() {
        return overwrite;
    }

    public void setOverwrite(Boolean overwrite) {
        this.overwrite = overwrite;
    }

    public boolean isAppend() {
        return append;
    }

    public void setAppend(boolean append) {
        this.append = append;
    }

    public long getBlockSize() {
        return blockSize;
    }

    public void setBlockSize(long blockSize) {
        this.blockSize = blockSize;
    }

    public short getReplication() {
        return replication;
    }

    public void setReplication(short replication) {
        this.replication = replication;
    }

    public int getBufferSize() {
        return bufferSize;
    }

    public void setBufferSize(int bufferSize) {
        this.bufferSize = bufferSize;
    }

    public long getShutdownTimeout() {
        return shutdownTimeout;
    }

    public void setShutdownTimeout(long shutdownTimeout) {
        this.shutdownTimeout = shutdownTimeout;
    }

    public boolean isRecoverOnStartup() {
        return recoverOnStartup;
    }

    public void setRecoverOnStartup(boolean recoverOnStartup) {
        this.recoverOnStartup = recoverOnStartup;
    }

    public long getLeaseRecoveryTimeout() {
        return leaseRecoveryTimeout;
    }

    public void setLeaseRecoveryTimeout(long leaseRecoveryTimeout) {
        this.leaseRecoveryTimeout = leaseRecoveryTimeout;
    }

    public long getHeartbeatInterval() {
        return heartbeatInterval;
    }

    public void setHeartbeatInterval(long heartbeatInterval) {
        this.heartbeatInterval = heartbeatInterval;
    }

    public long getHeartbeatExpiry() {
        return heartbeatExpiry;
    }

    public void setHeartbeatExpiry(long heartbeatExpiry) {
        this.heartbeatExpiry = heartbeatExpiry;
    }

    public ObjectMapper getObjectMapper() {
        return objectMapper;
    }

    public void setObjectMapper(ObjectMapper objectMapper) {
        this.objectMapper = objectMapper;
    }
}
