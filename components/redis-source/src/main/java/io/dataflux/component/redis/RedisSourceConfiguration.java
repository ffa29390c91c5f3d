package io.dataflux.component.redis;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;

import org.apache.camel.RuntimeCamelException;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriParams;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/** The options of a redis-source endpoint; the Javadoc of each field is its documentation. */
@UriParams
public class RedisSourceConfiguration implements Cloneable {

    /** The Redis key to consume: a stream (mode=stream) or a list (mode=list). */
    @UriPath
    @Metadata(required = true)
    private String key;

    /** What the key holds: a stream read through a consumer group, or a list used as a reliable queue. */
    @UriParam(defaultValue = "STREAM")
    private RedisSourceMode mode = RedisSourceMode.STREAM;

    /** The Redis server's host name. Ignored when connectionFactory is set. */
    @UriParam(label = "common", defaultValue = "localhost")
    private String host = "localhost";

    /** The Redis server's port. */
    @UriParam(label = "common", defaultValue = "6379")
    private int port = 6379;

    /** The Redis logical database. */
    @UriParam(label = "common", defaultValue = "0")
    private int database;

    /** The ACL user name (Redis 6 and later); leave empty for the default user. */
    @UriParam(label = "security", secret = true)
    private String username;

    /** The password of the ACL user, or the requirepass password. */
    @UriParam(label = "security", secret = true)
    private String password;

    /**
     * Connect with TLS, verifying the server's certificate and host name (the JVM's default trust store applies unless
     * sslContextParameters is set).
     */
    @UriParam(label = "security", defaultValue = "false")
    private boolean ssl;

    /** Camel SSL configuration (trust store, key store for client certificates, protocols); implies ssl=true. */
    @UriParam(label = "security")
    private SSLContextParameters sslContextParameters;

    /** How long to wait for a connection to Redis. */
    @UriParam(label = "advanced", defaultValue = "2000", javaType = "java.time.Duration")
    private long connectTimeout = 2000;

    /** The largest number of pooled connections: the poll loop holds one while blocked, acknowledgements use the others. */
    @UriParam(label = "advanced", defaultValue = "16")
    private int poolSize = 16;

    /**
     * A Spring Data Redis connection factory to use instead of host, port, user, password and TLS options. The
     * component neither starts nor stops a factory it is given.
     */
    @UriParam(label = "advanced")
    private RedisConnectionFactory connectionFactory;

    /** The name of this consumer: stable per instance, so that its pending entries survive a restart. Defaults to the host name (the pod name on Kubernetes). */
    @UriParam(label = "consumer")
    private String consumerName;

    /** The most entries read at once (XREADGROUP COUNT, or the number of items moved per batch in list mode). */
    @UriParam(label = "consumer", defaultValue = "100")
    private int batchSize = 100;

    /** How long one read blocks waiting for new entries. */
    @UriParam(label = "consumer", defaultValue = "1000", javaType = "java.time.Duration")
    private long blockTimeout = 1000;

    /** One exchange per entry instead of one exchange per batch (whose body is the list of RedisEntry). */
    @UriParam(label = "consumer", defaultValue = "false")
    private boolean exchangePerEntry;

    /**
     * The route acknowledges every entry itself through RedisEntry.ack(); the consumer never acknowledges on
     * completion. A route can also decide per exchange with the DataFluxRedis.ManualAck header or property.
     */
    @UriParam(label = "consumer", defaultValue = "false")
    private boolean manualAck;

    /**
     * The most batches in flight (read but not yet fully acknowledged or released). The consumer reads the next batch
     * only when fewer are in flight; entries whose acknowledgement a route deferred count until acknowledged.
     */
    @UriParam(label = "consumer", defaultValue = "10")
    private int maxInflightBatches = 10;

    /**
     * On stop, how long to wait for batches in flight to be acknowledged; what is still unacknowledged then is released
     * (stream: stays pending; list: goes back to the list).
     */
    @UriParam(label = "consumer", defaultValue = "10000", javaType = "java.time.Duration")
    private long shutdownTimeout = 10000;

    /** The longest wait between reconnection attempts while Redis is unreachable (backoff doubles up to this). */
    @UriParam(label = "consumer", defaultValue = "5000", javaType = "java.time.Duration")
    private long reconnectMaxDelay = 5000;

    /**
     * Fields every entry must have (comma separated; list mode: ignored). An entry missing one is dead-lettered with the
     * reason.
     */
    @UriParam(label = "consumer")
    private String requiredFields;

    /** The consumer group (stream mode); created with MKSTREAM if missing. */
    @UriParam(label = "stream", defaultValue = "dataflux")
    private String group = "dataflux";

    /** Where a newly created group starts: 0 (the whole stream), $ (only new entries) or a stream id. */
    @UriParam(label = "stream", defaultValue = "0")
    private String startId = "0";

    /**
     * How long an entry must have been pending without acknowledgement before any consumer of the group may claim it
     * (XAUTOCLAIM). Must exceed the longest processing time; entries a live consumer holds in flight are kept fresh.
     */
    @UriParam(label = "stream", defaultValue = "60000", javaType = "java.time.Duration")
    private long minIdleTime = 60000;

    /** How often the consumer claims idle entries of the group (its own failed ones and a dead replica's). */
    @UriParam(label = "stream", defaultValue = "10000", javaType = "java.time.Duration")
    private long claimInterval = 10000;

    /**
     * An entry whose processing failed this many times by its own fault is poison: at its next delivery it is
     * dead-lettered with the reason and acknowledged. Failures for an outage (see outageExceptions) do not count. The
     * failures are counted per entry id (stream) or item value (list) in the hash named after the key with the suffix
     * :failures. 0 turns the limit off.
     */
    @UriParam(label = "consumer", defaultValue = "5")
    private int maxDeliveries = 5;

    /**
     * Keep entries in flight in this consumer from being claimed by others: their idle time is reset (XCLAIM JUSTID)
     * while a route still holds them, e.g. in an aggregator.
     */
    @UriParam(label = "stream", defaultValue = "true")
    private boolean keepAlive = true;

    /**
     * Group members that have nothing pending and have been idle this long are deleted from the group (stream mode),
     * so that the names of replaced pods do not pile up. 0 keeps them.
     */
    @UriParam(label = "stream", defaultValue = "86400000", javaType = "java.time.Duration")
    private long consumerCleanupIdleTime = 86_400_000;

    /** The dead-letter stream, whose entries carry the original fields, the reason and the delivery count. Defaults to the key followed by ":dead-letter". */
    @UriParam(label = "consumer")
    private String deadLetterKey;

    /** A Camel endpoint that receives dead-lettered entries instead of the dead-letter stream. */
    @UriParam(label = "consumer")
    private String deadLetterUri;

    /**
     * Trimming of the stream's history (stream mode): NONE, MAXLEN (keep about trimMaxLen entries) or ACKED (drop
     * what the group has acknowledged, with MINID). Always approximate: Redis trims whole stream nodes only.
     */
    @UriParam(label = "stream", defaultValue = "NONE", enums = "NONE,MAXLEN,ACKED")
    private String trim = "NONE";

    /** The approximate length kept by trim=MAXLEN. */
    @UriParam(label = "stream", defaultValue = "1000000")
    private long trimMaxLen = 1_000_000;

    /** Which end of the list items are taken from (list mode): RIGHT for producers that LPUSH, LEFT for RPUSH. */
    @UriParam(label = "list", defaultValue = "RIGHT", enums = "LEFT,RIGHT")
    private String popFrom = "RIGHT";

    /** The time to live of this consumer's heartbeat key (list mode); it is refreshed every third of it. */
    @UriParam(label = "list", defaultValue = "30000", javaType = "java.time.Duration")
    private long heartbeatTtl = 30000;

    /**
     * How often the reaper returns the processing-list items of consumers whose heartbeat expired (list mode). 0 turns
     * this consumer's reaper off, for deployments where one replica reaps for all (a route under master: calling
     * RedisSourceEndpoint.reapExpiredConsumers()).
     */
    @UriParam(label = "list", defaultValue = "10000", javaType = "java.time.Duration")
    private long reaperInterval = 10000;

    /**
     * The most bytes a batch holds: the sum of its entries' sizes (field names and values; list mode: the items). Redis
     * cannot bound a reply by bytes, so entries are taken one by one in a Lua script within this budget. A batch
     * always takes at least one entry, so an entry larger than this but within recordMaxBytes is delivered alone.
     */
    @UriParam(label = "consumer", defaultValue = "8388608")
    private long batchMaxBytes = 8L * 1024 * 1024;

    /**
     * The largest record delivered to the route, in bytes: the value of payloadField when it is set, else the whole
     * entry (field names and values; list mode: the item). A larger entry is never part of a batch: it is read alone
     * and dead-lettered once with the reason "oversized", then acknowledged. 0 turns the limit off.
     */
    @UriParam(label = "consumer", defaultValue = "16777216")
    private long recordMaxBytes = 16L * 1024 * 1024;

    /**
     * The largest payload a dead letter carries. An oversized entry above this is dead-lettered without its bytes:
     * an empty body with its id, its length (DataFluxRedis.PayloadLength) and the SHA-1 of its payload
     * (DataFluxRedis.PayloadSha1), so that the source never holds more than this for one entry.
     */
    @UriParam(label = "consumer", defaultValue = "33554432")
    private long deadLetterMaxBytes = 32L * 1024 * 1024;

    /**
     * The field holding an entry's payload (stream mode): recordMaxBytes applies to it, and a dead letter sent to
     * deadLetterUri has its exact bytes as body. Without it, the size limit applies to the whole entry and the dead
     * letter's body is the value of the entry's only field, or its fields as a JSON object when it has several.
     */
    @UriParam(label = "consumer")
    private String payloadField;

    /**
     * The exceptions that mean a server is down rather than the record being bad (comma-separated class names, matched
     * against the exception of a failed batch and its causes, subclasses included). A failure of this kind never
     * counts towards maxDeliveries and opens the circuit breaker; any other failure counts as the records' fault. The
     * word default in the list stands for the default classes, e.g. default,com.example.QuotaExceededException.
     */
    @UriParam(label = "consumer", defaultValue = FailureClassifier.DEFAULT_OUTAGE_EXCEPTIONS)
    private String outageExceptions = FailureClassifier.DEFAULT_OUTAGE_EXCEPTIONS;

    /**
     * How long the consumer stops reading after a batch failed for an outage (see outageExceptions), before it lets
     * one batch through as a probe (half-open). Doubles after each failed probe, up to circuitBreakerMaxDelay; a batch
     * that succeeds closes the breaker. 0 turns the circuit breaker off.
     */
    @UriParam(label = "consumer", defaultValue = "1000", javaType = "java.time.Duration")
    private long circuitBreakerDelay = 1000;

    /** The longest pause of the circuit breaker between two probe batches while a sink stays down. */
    @UriParam(label = "consumer", defaultValue = "30000", javaType = "java.time.Duration")
    private long circuitBreakerMaxDelay = 30000;

    public RedisSourceConfiguration copy() {
        try {
            return (RedisSourceConfiguration) clone();
        } catch (CloneNotSupportedException e) {
            throw new RuntimeCamelException(e);
        }
    }

    /** The consumer name, or the host name (HOSTNAME is the pod name on Kubernetes). */
    public String resolvedConsumerName() {
        if (consumerName != null && !consumerName.isBlank()) {
            return consumerName;
        }
        String hostname = System.getenv("HOSTNAME");
        if (hostname != null && !hostname.isBlank()) {
            return hostname;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            throw new IllegalStateException("no consumerName set and the host name is unknown", e);
        }
    }

    public String resolvedDeadLetterKey() {
        return deadLetterKey != null && !deadLetterKey.isBlank() ? deadLetterKey : key + ":dead-letter";
    }

    public List<String> requiredFieldList() {
        if (requiredFields == null || requiredFields.isBlank()) {
            return List.of();
        }
        return Arrays.stream(requiredFields.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    public String getKey() {
        return key;
    }

    public void setKey(String key) {
        this.key = key;
    }

    public RedisSourceMode getMode() {
        return mode;
    }

    public void setMode(RedisSourceMode mode) {
        this.mode = mode;
    }

    public String getHost() {
        return host;
    }

    public void setHost(String host) {
        this.host = host;
    }

    public int getPort() {
        return port;
    }

    public void setPort(int port) {
        this.port = port;
    }

    public int getDatabase() {
        return database;
    }

    public void setDatabase(int database) {
        this.database = database;
    }

    public String getUsername() {
        return username;
    }

    public void setUsername(String username) {
        this.username = username;
    }

    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    public boolean isSsl() {
        return ssl;
    }

    public void setSsl(boolean ssl) {
        this.ssl = ssl;
    }

    public SSLContextParameters getSslContextParameters() {
        return sslContextParameters;
    }

    public void setSslContextParameters(SSLContextParameters sslContextParameters) {
        this.sslContextParameters = sslContextParameters;
    }

    public long getConnectTimeout() {
        return connectTimeout;
    }

    public void setConnectTimeout(long connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public int getPoolSize() {
        return poolSize;
    }

    public void setPoolSize(int poolSize) {
        this.poolSize = poolSize;
    }

    public RedisConnectionFactory getConnectionFactory() {
        return connectionFactory;
    }

    public void setConnectionFactory(RedisConnectionFactory connectionFactory) {
        this.connectionFactory = connectionFactory;
    }

    public String getConsumerName() {
        return consumerName;
    }

    public void setConsumerName(String consumerName) {
        this.consumerName = consumerName;
    }

    public int getBatchSize() {
        return batchSize;
    }

    public void setBatchSize(int batchSize) {
        this.batchSize = batchSize;
    }

    public long getBlockTimeout() {
        return blockTimeout;
    }

    public void setBlockTimeout(long blockTimeout) {
        this.blockTimeout = blockTimeout;
    }

    public boolean isExchangePerEntry() {
        return exchangePerEntry;
    }

    public void setExchangePerEntry(boolean exchangePerEntry) {
        this.exchangePerEntry = exchangePerEntry;
    }

    public boolean isManualAck() {
        return manualAck;
    }

    public void setManualAck(boolean manualAck) {
        this.manualAck = manualAck;
    }

    public int getMaxInflightBatches() {
        return maxInflightBatches;
    }

    public void setMaxInflightBatches(int maxInflightBatches) {
        this.maxInflightBatches = maxInflightBatches;
    }

    public long getShutdownTimeout() {
        return shutdownTimeout;
    }

    public void setShutdownTimeout(long shutdownTimeout) {
        this.shutdownTimeout = shutdownTimeout;
    }

    public long getReconnectMaxDelay() {
        return reconnectMaxDelay;
    }

    public void setReconnectMaxDelay(long reconnectMaxDelay) {
        this.reconnectMaxDelay = reconnectMaxDelay;
    }

    public String getRequiredFields() {
        return requiredFields;
    }

    public void setRequiredFields(String requiredFields) {
        this.requiredFields = requiredFields;
    }

    public String getGroup() {
        return group;
    }

    public void setGroup(String group) {
        this.group = group;
    }

    public String getStartId() {
        return startId;
    }

    public void setStartId(String startId) {
        this.startId = startId;
    }

    public long getMinIdleTime() {
        return minIdleTime;
    }

    public void setMinIdleTime(long minIdleTime) {
        this.minIdleTime = minIdleTime;
    }

    public long getClaimInterval() {
        return claimInterval;
    }

    public void setClaimInterval(long claimInterval) {
        this.claimInterval = claimInterval;
    }

    public int getMaxDeliveries() {
        return maxDeliveries;
    }

    public void setMaxDeliveries(int maxDeliveries) {
        this.maxDeliveries = maxDeliveries;
    }

    public boolean isKeepAlive() {
        return keepAlive;
    }

    public void setKeepAlive(boolean keepAlive) {
        this.keepAlive = keepAlive;
    }

    public long getConsumerCleanupIdleTime() {
        return consumerCleanupIdleTime;
    }

    public void setConsumerCleanupIdleTime(long consumerCleanupIdleTime) {
        this.consumerCleanupIdleTime = consumerCleanupIdleTime;
    }

    public String getDeadLetterKey() {
        return deadLetterKey;
    }

    public void setDeadLetterKey(String deadLetterKey) {
        this.deadLetterKey = deadLetterKey;
    }

    public String getDeadLetterUri() {
        return deadLetterUri;
    }

    public void setDeadLetterUri(String deadLetterUri) {
        this.deadLetterUri = deadLetterUri;
    }

    public String getTrim() {
        return trim;
    }

    public void setTrim(String trim) {
        this.trim = trim;
    }

    public long getTrimMaxLen() {
        return trimMaxLen;
    }

    public void setTrimMaxLen(long trimMaxLen) {
        this.trimMaxLen = trimMaxLen;
    }

    public String getPopFrom() {
        return popFrom;
    }

    public void setPopFrom(String popFrom) {
        this.popFrom = popFrom;
    }

    public long getHeartbeatTtl() {
        return heartbeatTtl;
    }

    public void setHeartbeatTtl(long heartbeatTtl) {
        this.heartbeatTtl = heartbeatTtl;
    }

    public long getReaperInterval() {
        return reaperInterval;
    }

    public void setReaperInterval(long reaperInterval) {
        this.reaperInterval = reaperInterval;
    }

    public long getBatchMaxBytes() {
        return batchMaxBytes;
    }

    public void setBatchMaxBytes(long batchMaxBytes) {
        this.batchMaxBytes = batchMaxBytes;
    }

    public long getRecordMaxBytes() {
        return recordMaxBytes;
    }

    public void setRecordMaxBytes(long recordMaxBytes) {
        this.recordMaxBytes = recordMaxBytes;
    }

    public long getDeadLetterMaxBytes() {
        return deadLetterMaxBytes;
    }

    public void setDeadLetterMaxBytes(long deadLetterMaxBytes) {
        this.deadLetterMaxBytes = deadLetterMaxBytes;
    }

    public String getPayloadField() {
        return payloadField;
    }

    public void setPayloadField(String payloadField) {
        this.payloadField = payloadField;
    }

    public String getOutageExceptions() {
        return outageExceptions;
    }

    public void setOutageExceptions(String outageExceptions) {
        this.outageExceptions = outageExceptions;
    }

    public long getCircuitBreakerDelay() {
        return circuitBreakerDelay;
    }

    public void setCircuitBreakerDelay(long circuitBreakerDelay) {
        this.circuitBreakerDelay = circuitBreakerDelay;
    }

    public long getCircuitBreakerMaxDelay() {
        return circuitBreakerMaxDelay;
    }

    public void setCircuitBreakerMaxDelay(long circuitBreakerMaxDelay) {
        this.circuitBreakerMaxDelay = circuitBreakerMaxDelay;
    }
}
