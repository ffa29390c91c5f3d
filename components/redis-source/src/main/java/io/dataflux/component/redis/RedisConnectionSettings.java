package io.dataflux.component.redis;

import java.time.Duration;

import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocketFactory;

import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.springframework.data.redis.connection.RedisPassword;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.jedis.JedisClientConfiguration;
import org.springframework.data.redis.connection.jedis.JedisConnectionFactory;
import redis.clients.jedis.Jedis;

/**
 * How to reach a Redis server (address, ACL user, password, TLS) and how to pool connections to it: the one definition
 * of a pooled Jedis connection factory, used by an endpoint without a connectionFactory and by applications that share
 * one factory between several clients.
 *
 * @param host           the server's host name
 * @param port           the server's port
 * @param database       the logical database
 * @param username       the ACL user; null or blank for the default user
 * @param password       the password; null or empty for none
 * @param tls            connect with TLS
 * @param verifyHost     with TLS, check that the server's certificate names the host, as HTTPS does
 * @param socketFactory  with TLS, the socket factory of a trust store / client key store; null for the JVM's
 * @param poolSize       the most connections open at once
 * @param connectTimeout how long to wait for a connection, in milliseconds
 * @param readTimeout    how long a command may wait for its reply, in milliseconds: longer than any blocking read
 * @param maxWait        how long a borrower waits for a free connection of the pool, in milliseconds
 * @param clientName     the name the connections give themselves (CLIENT SETNAME); null for none
 */
public record RedisConnectionSettings(String host, int port, int database, String username, String password,
        boolean tls, boolean verifyHost, SSLSocketFactory socketFactory, int poolSize, long connectTimeout,
        long readTimeout, long maxWait, String clientName) {

    /** A started, pooled factory; it opens no connection until one is borrowed. The caller destroys it. */
    public JedisConnectionFactory createFactory() {
        RedisStandaloneConfiguration server = new RedisStandaloneConfiguration(host, port);
        server.setDatabase(database);
        if (username != null && !username.isBlank()) {
            server.setUsername(username);
        }
        if (password != null && !password.isEmpty()) {
            server.setPassword(RedisPassword.of(password));
        }
        GenericObjectPoolConfig<Jedis> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(poolSize);
        pool.setMaxIdle(poolSize);
        pool.setMinIdle(0);
        pool.setMaxWait(Duration.ofMillis(maxWait));
        JedisClientConfiguration.JedisClientConfigurationBuilder client = JedisClientConfiguration.builder()
                .connectTimeout(Duration.ofMillis(connectTimeout))
                .readTimeout(Duration.ofMillis(readTimeout));
        if (clientName != null) {
            client.clientName(clientName);
        }
        if (tls) {
            SSLParameters parameters = new SSLParameters();
            if (verifyHost) {
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
            }
            JedisClientConfiguration.JedisSslClientConfigurationBuilder ssl = client.useSsl().sslParameters(parameters);
            if (socketFactory != null) {
                ssl.sslSocketFactory(socketFactory);
            }
        }
        client.usePooling().poolConfig(pool);
        JedisConnectionFactory factory = new JedisConnectionFactory(server, client.build());
        factory.afterPropertiesSet();
        factory.start();
        return factory;
    }
}
