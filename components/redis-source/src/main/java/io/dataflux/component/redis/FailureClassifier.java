package io.dataflux.component.redis;

import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Tells an outage (a server is down or slow: the records are not at fault) from a failure the records caused, by the
 * class names of the exception and its causes, their superclasses included. Names, not classes: the component needs
 * none of the sinks' libraries on its class path.
 */
final class FailureClassifier {

    /**
     * The default outage classes: network failures, connection-class JDBC and Spring data-access failures (which
     * include Redis's and MySQL's connection failures), Kafka's retriable errors and timeouts, Hadoop's connection
     * timeouts and safe mode.
     */
    static final String DEFAULT_OUTAGE_EXCEPTIONS = "java.net.ConnectException,java.net.SocketException,"
            + "java.net.SocketTimeoutException,java.net.UnknownHostException,java.net.NoRouteToHostException,"
            + "java.nio.channels.ClosedChannelException,java.io.EOFException,"
            + "java.sql.SQLTransientConnectionException,java.sql.SQLNonTransientConnectionException,"
            + "java.sql.SQLRecoverableException,java.sql.SQLTransientException,"
            + "org.springframework.jdbc.CannotGetJdbcConnectionException,"
            + "org.springframework.dao.DataAccessResourceFailureException,"
            + "org.springframework.dao.TransientDataAccessException,"
            + "org.apache.kafka.common.errors.TimeoutException,org.apache.kafka.common.errors.RetriableException,"
            + "org.apache.hadoop.net.ConnectTimeoutException,org.apache.hadoop.ipc.RetriableException,"
            + "org.apache.hadoop.hdfs.server.namenode.SafeModeException,"
            + "redis.clients.jedis.exceptions.JedisConnectionException,"
            // refused credentials, expired tickets, missing grants and failed TLS handshakes are the set-up's fault,
            // never the record's: fixing the secret must find every record still pending, none of them poison
            + "java.sql.SQLInvalidAuthorizationSpecException,"
            + "org.springframework.dao.PermissionDeniedDataAccessException,"
            + "org.apache.kafka.common.errors.AuthenticationException,"
            + "org.apache.kafka.common.errors.AuthorizationException,"
            + "redis.clients.jedis.exceptions.JedisAccessControlException,"
            + "org.springframework.data.redis.RedisConnectionFailureException,"
            + "javax.net.ssl.SSLException,javax.security.auth.login.LoginException,"
            + "org.apache.hadoop.security.AccessControlException";

    /** In the list, stands for the default classes: "default,com.example.QuotaExceeded" adds one. */
    static final String DEFAULT = "default";

    private final Set<String> outageClasses;

    FailureClassifier(String classNames) {
        String names = classNames == null ? "" : classNames;
        this.outageClasses = Arrays.stream(names.split(","))
                .map(String::trim)
                .flatMap(name -> DEFAULT.equals(name) ? Arrays.stream(DEFAULT_OUTAGE_EXCEPTIONS.split(",")) : Stream.of(name))
                .filter(name -> !name.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }

    /** True when the failure, or one of its causes or suppressed exceptions, is of an outage class. */
    boolean isOutage(Throwable failure) {
        return findOutage(failure, new IdentityHashMap<>()) != null;
    }

    /** The outage-class throwable in the failure's chain, or null. */
    Throwable outageCause(Throwable failure) {
        return findOutage(failure, new IdentityHashMap<>());
    }

    private Throwable findOutage(Throwable failure, Map<Throwable, Boolean> seen) {
        for (Throwable t = failure; t != null && seen.put(t, Boolean.TRUE) == null; t = t.getCause()) {
            for (Class<?> type = t.getClass(); type != null && type != Object.class; type = type.getSuperclass()) {
                if (outageClasses.contains(type.getName())) {
                    return t;
                }
            }
            for (Throwable suppressed : t.getSuppressed()) {
                Throwable found = findOutage(suppressed, seen);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }
}
