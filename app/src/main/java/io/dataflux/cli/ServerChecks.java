package io.dataflux.cli;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.zaxxer.hikari.HikariDataSource;
import io.dataflux.config.KafkaClients;
import io.dataflux.config.MySqlConnections;
import io.dataflux.config.RedisConnections;
import io.dataflux.component.hdfs.HdfsEndpoint;
import io.dataflux.component.hdfs.HdfsKerberos;
import org.apache.camel.CamelContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsAction;
import org.apache.hadoop.security.AccessControlException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.resps.StreamGroupInfo;

/**
 * Tries each server with the settings the pipeline would use, and says what is wrong in the terms an engineer can act
 * on: which host does not answer, which user is refused, which database, table or topic is missing.
 */
final class ServerChecks {

    /** The outcome of one check. */
    record Result(String name, boolean ok, String detail) {
        static Result ok(String name, String detail) {
            return new Result(name, true, detail);
        }

        static Result fail(String name, String detail) {
            return new Result(name, false, detail);
        }
    }

    private static final int TIMEOUT_MILLIS = 5000;
    private static final List<String> TABLES = List.of("posts", "dead_letter", "authors");
    private static final Pattern JDBC_HOST = Pattern.compile("jdbc:\\w+://([^/?]+)");

    private final CamelContext context;
    private final boolean migrates;

    ServerChecks(CamelContext context, boolean migrates) {
        this.context = context;
        this.migrates = migrates;
    }

    Result redis() {
        String key = property("dataflux.redis.key");
        String mode = property("dataflux.redis.mode").toLowerCase(Locale.ROOT);
        String user = optional("dataflux.redis.username");
        boolean tls = Boolean.parseBoolean(property("dataflux.redis.tls.enabled"));
        String where = property("dataflux.redis.host") + ":" + property("dataflux.redis.port") + (tls ? " (TLS)" : "");
        RedisConnectionFactory factory = context.getRegistry().lookupByNameAndType(RedisConnections.BEAN,
                RedisConnectionFactory.class);
        try (RedisConnection connection = factory.getConnection()) {
            Jedis redis = (Jedis) connection.getNativeConnection();
            redis.ping();
            String type = redis.type(key);
            if ("none".equals(type)) {
                return Result.ok("redis", where + " answers; " + mode + " '" + key + "' does not exist yet"
                        + " (created by the first record pushed)");
            }
            String expected = "stream".equals(mode) ? "stream" : "list";
            if (!expected.equals(type)) {
                return Result.fail("redis", where + ": key '" + key + "' is a " + type + ", but dataflux.redis.mode="
                        + mode + " reads a " + expected);
            }
            if ("list".equals(type)) {
                return Result.ok("redis", where + ", list '" + key + "': " + redis.llen(key) + " records waiting");
            }
            String group = property("dataflux.redis.group");
            String groupState = redis.xinfoGroups(key).stream().filter(info -> info.getName().equals(group))
                    .findFirst().map(ServerChecks::describe)
                    .orElse("group '" + group + "' not created yet (the pipeline creates it)");
            return Result.ok("redis", where + ", stream '" + key + "': " + redis.xlen(key) + " entries; " + groupState);
        } catch (RuntimeException e) {
            return Result.fail("redis", describeRedis(e, where, user));
        }
    }

    /** Why Redis refused, from the cause Jedis gives under Spring's translation; never the password itself. */
    private static String describeRedis(RuntimeException e, String where, String user) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            String message = cause.getMessage() == null ? "" : cause.getMessage();
            if (cause instanceof JedisAccessControlException || message.startsWith("WRONGPASS")) {
                return where + " refused the credentials" + (user.isEmpty() ? " of the default user" : " of user '"
                        + user + "'") + " (dataflux.redis.username/password): " + firstLine(message);
            }
            if (message.startsWith("NOAUTH")) {
                return where + " requires a password: " + firstLine(message) + " (set dataflux.redis.password)";
            }
            if (message.startsWith("NOPERM")) {
                return where + ": user '" + user + "' lacks a permission: " + firstLine(message);
            }
            if (cause instanceof javax.net.ssl.SSLException) {
                return where + ": the TLS handshake failed (dataflux.redis.tls.*): " + rootMessage(cause);
            }
        }
        if (e instanceof JedisDataException) {
            return where + " answered with an error: " + firstLine(e.getMessage());
        }
        return "no Redis answers at " + where + " (dataflux.redis.host/port): " + rootMessage(e);
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("").strip();
    }

    Result mysql() {
        HikariDataSource pool = MySqlConnections.dataSource(context);
        if (pool == null) {
            return Result.fail("mysql", "no HikariCP '" + MySqlConnections.BEAN + "' bean (camel.beans.dataSource.*)");
        }
        String url = pool.getJdbcUrl();
        String user = pool.getUsername();
        Matcher hostMatcher = JDBC_HOST.matcher(url);
        String host = hostMatcher.find() ? hostMatcher.group(1) : url;
        try (Connection connection = MySqlConnections.open(pool, TIMEOUT_MILLIS)) {
            List<String> missing = new ArrayList<>();
            for (String table : TABLES) {
                try (ResultSet found = connection.getMetaData().getTables(connection.getCatalog(), null, table,
                        new String[] {"TABLE"})) {
                    if (!found.next()) {
                        missing.add(table);
                    }
                }
            }
            String database = connection.getCatalog();
            if (missing.isEmpty()) {
                return Result.ok("mysql", host + ", database '" + database + "' as '" + user + "': tables "
                        + String.join(", ", TABLES) + " present");
            }
            return migrates
                    ? Result.ok("mysql", host + ", database '" + database + "' as '" + user + "': tables "
                        + String.join(", ", missing) + " missing; created at start (dataflux.mysql.migrate=true)")
                    : Result.fail("mysql", host + ", database '" + database + "': tables " + String.join(", ", missing)
                        + " missing and dataflux.mysql.migrate=false (apply app/src/main/resources/db/migration)");
        } catch (SQLException e) {
            return Result.fail("mysql", describe(e, host, user, url));
        }
    }

    Result kafka() {
        String brokers = property("dataflux.kafka.brokers");
        String topic = property("dataflux.kafka.topic");
        Map<String, Object> config = KafkaClients.adminProperties(context, TIMEOUT_MILLIS);
        String protocol = String.valueOf(config.getOrDefault(AdminClientConfig.SECURITY_PROTOCOL_CONFIG, "PLAINTEXT"));
        Admin admin = Admin.create(config);
        try {
            List<Node> nodes = new ArrayList<>(admin.describeCluster().nodes().get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS));
            try {
                TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                        .get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS).get(topic);
                return Result.ok("kafka", brokers + " (" + nodes.size() + " broker(s)), topic '" + topic + "': "
                        + description.partitions().size() + " partition(s)");
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
                ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, nodes.get(0).idString());
                Config brokerConfig = admin.describeConfigs(List.of(broker)).all()
                        .get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS).get(broker);
                boolean autoCreate = brokerConfig.get("auto.create.topics.enable") != null
                        && Boolean.parseBoolean(brokerConfig.get("auto.create.topics.enable").value());
                return autoCreate
                        ? Result.ok("kafka", brokers + ": topic '" + topic + "' does not exist yet; the broker creates it"
                            + " on the first write (auto.create.topics.enable=true)")
                        : Result.fail("kafka", brokers + ": topic '" + topic + "' does not exist and the broker does not"
                            + " create topics (create it, or set dataflux.kafka.topic)");
            }
        } catch (java.util.concurrent.TimeoutException e) {
            return Result.fail("kafka", "no Kafka broker answered at " + brokers + " within " + TIMEOUT_MILLIS / 1000
                    + " s (dataflux.kafka.brokers)");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                return Result.fail("kafka", "no Kafka broker answered at " + brokers + " within " + TIMEOUT_MILLIS / 1000
                        + " s (dataflux.kafka.brokers)");
            }
            return Result.fail("kafka", describeKafka(e.getCause(), brokers, protocol));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Result.fail("kafka", "interrupted");
        } finally {
            admin.close(java.time.Duration.ofSeconds(1)); // a broker that never answered has nothing to wait for
        }
    }

    private static String describeKafka(Throwable cause, String brokers, String protocol) {
        if (cause instanceof SaslAuthenticationException) {
            return brokers + " (" + protocol + ") refused the SASL credentials (dataflux.kafka.sasl-mechanism,"
                    + " dataflux.kafka.sasl-jaas-config): " + firstLine(cause.getMessage());
        }
        if (cause instanceof SslAuthenticationException) {
            return brokers + " (" + protocol + "): the TLS handshake failed (dataflux.kafka.tls.*): " + rootMessage(cause);
        }
        if (cause instanceof AuthorizationException) {
            return brokers + ": the user is not authorised: " + firstLine(cause.getMessage());
        }
        return brokers + " (" + protocol + "): " + rootMessage(cause);
    }

    Result hdfs() {
        String directory = property("dataflux.archive.dir");
        if ("LOCAL".equalsIgnoreCase(property("dataflux.hdfs.file-system-type"))) {
            java.nio.file.Path local = java.nio.file.Path.of(directory);
            java.nio.file.Path existing = local;
            while (existing != null && !Files.exists(existing)) {
                existing = existing.getParent();
            }
            return existing != null && Files.isWritable(existing)
                    ? Result.ok("hdfs", "local directory " + local + (existing.equals(local) ? " writable"
                        : " created at the first write (" + existing + " is writable)"))
                    : Result.fail("hdfs", "local directory " + local + " cannot be written");
        }
        String uri = property("dataflux.hdfs.uri");
        // the archive's own hdfs: endpoint opens the file system: the same server, HA, Kerberos and hadoop.* options
        HdfsEndpoint archive = context.getEndpoints().stream()
                .filter(endpoint -> endpoint instanceof HdfsEndpoint hdfs
                        && directory.equals(hdfs.getConfiguration().getPath()))
                .map(HdfsEndpoint.class::cast).findFirst().orElse(null);
        if (archive == null) {
            return Result.ok("hdfs", "no route writes to " + directory + " (dataflux.archive.dir): nothing to check");
        }
        String principal = archive.getConfiguration().getKerberosUsername();
        boolean kerberos = principal != null && !principal.isBlank();
        try (FileSystem fs = archive.openFileSystem()) {
            Path target = new Path(directory);
            Path existing = target;
            while (!fs.exists(existing)) {
                existing = existing.getParent();
            }
            fs.access(existing, FsAction.WRITE);
            return Result.ok("hdfs", uri + ", " + (existing.equals(target) ? directory + " writable"
                    : directory + " created at the first write (" + existing + " is writable)")
                    + " as " + (kerberos ? principal + " (Kerberos)"
                        : org.apache.hadoop.security.UserGroupInformation.getCurrentUser().getShortUserName()));
        } catch (AccessControlException e) {
            return Result.fail("hdfs", uri + ": " + (kerberos ? principal + " has " : "") + "no permission to write "
                    + directory + ": " + e.getMessage().lines().findFirst().orElse(""));
        } catch (FileNotFoundException e) {
            return Result.fail("hdfs", uri + ": " + e.getMessage());
        } catch (IOException | RuntimeException e) {
            if (kerberos && String.valueOf(e.getMessage()).startsWith("HDFS Kerberos login of")) {
                return Result.fail("hdfs", e.getMessage() + " (dataflux.hdfs.kerberos-principal, dataflux.hdfs.kerberos-keytab)");
            }
            if (kerberos) {
                return Result.fail("hdfs", "HDFS at " + uri + " (dataflux.hdfs.uri) did not accept " + principal
                        + " (Kerberos): " + HdfsKerberos.explain(principal,
                            archive.getConfiguration().getKerberosKeytabLocation(), e));
            }
            return Result.fail("hdfs", "no HDFS name node answers at " + uri + " (dataflux.hdfs.uri): " + rootMessage(e));
        }
    }

    private static String describe(StreamGroupInfo group) {
        return "group '" + group.getName() + "': " + group.getPending() + " pending, " + group.getConsumers() + " consumer(s)";
    }

    private static String describe(SQLException e, String host, String user, String url) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        return switch (e.getErrorCode()) {
            case 1045 -> host + " refused user '" + user + "' (dataflux.mysql.username/password): " + e.getMessage();
            case 1044, 1049 -> host + ": " + e.getMessage() + " (the database in dataflux.mysql.url " + url + ")";
            default -> state.startsWith("08")
                    ? "no MySQL answers at " + host + " (dataflux.mysql.url): " + rootMessage(e)
                    : host + ": " + e.getMessage();
        };
    }

    private String property(String key) {
        return context.resolvePropertyPlaceholders("{{" + key + "}}");
    }

    private String optional(String key) {
        return context.resolvePropertyPlaceholders("{{" + key + ":}}");
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.lines().findFirst().orElse("").strip();
    }
}
