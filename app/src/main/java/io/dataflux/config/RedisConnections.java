package io.dataflux.config;

import io.dataflux.component.redis.RedisConnectionSettings;
import org.apache.camel.CamelContext;
import org.apache.camel.support.jsse.KeyManagersParameters;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;
import org.springframework.data.redis.connection.jedis.JedisConnectionFactory;

/**
 * The one definition of the Redis connection (bean {@value #BEAN}): server, ACL user and password, database, TLS and
 * timeouts from the {@code dataflux.redis.*} keys, built as the redis-source component builds its own
 * ({@link RedisConnectionSettings}). The source, the author lookup, the list reaper, {@code load} and
 * {@code check} all borrow from its pool.
 */
public final class RedisConnections {

    /** The registry name other engineers' routes and classes rely on. */
    public static final String BEAN = "redisConnectionFactory";

    private RedisConnections() {
    }

    /** A started, pooled factory; it opens no connection until one is borrowed. */
    public static JedisConnectionFactory create(CamelContext context) throws Exception {
        long connectTimeout = Long.parseLong(property(context, "dataflux.redis.connect-timeout"));
        long blockTimeout = Long.parseLong(property(context, "dataflux.redis.block-timeout"));
        // the source blocks in XREADGROUP up to block-timeout: the socket must wait longer than that
        long readTimeout = Math.max(Long.parseLong(property(context, "dataflux.redis.read-timeout")),
                blockTimeout + Math.max(2000, connectTimeout));
        // one connection blocked in the source's read, one per batch in flight acknowledging, one per enrich thread
        // looking up authors, one for the reaper, one for load/check: never fewer, whatever pool-size says
        int needed = 3 + Integer.parseInt(property(context, "dataflux.redis.max-inflight-batches"))
                + Integer.parseInt(property(context, "dataflux.enrich.threads"));
        int poolSize = Math.max(Integer.parseInt(property(context, "dataflux.redis.pool-size")), needed);
        boolean tls = Boolean.parseBoolean(property(context, "dataflux.redis.tls.enabled"));
        SSLContextParameters stores = tls ? tlsStores(context) : null;
        return new RedisConnectionSettings(property(context, "dataflux.redis.host"),
                Integer.parseInt(property(context, "dataflux.redis.port")),
                Integer.parseInt(property(context, "dataflux.redis.database")),
                optional(context, "dataflux.redis.username"), optional(context, "dataflux.redis.password"),
                tls, Boolean.parseBoolean(property(context, "dataflux.redis.tls.verify-host")),
                stores == null ? null : stores.createSSLContext(context).getSocketFactory(),
                poolSize, connectTimeout, readTimeout, connectTimeout + blockTimeout, "dataflux")
                .createFactory();
    }

    /** The trust store (else the JVM's) and the optional key store of a client certificate; null when neither is set. */
    private static SSLContextParameters tlsStores(CamelContext context) {
        String trustStore = optional(context, "dataflux.redis.tls.trust-store");
        String keyStore = optional(context, "dataflux.redis.tls.key-store");
        if (trustStore.isBlank() && keyStore.isBlank()) {
            return null;
        }
        String type = property(context, "dataflux.redis.tls.store-type");
        SSLContextParameters parameters = new SSLContextParameters();
        if (!trustStore.isBlank()) {
            TrustManagersParameters trust = new TrustManagersParameters();
            trust.setKeyStore(store(trustStore, optional(context, "dataflux.redis.tls.trust-store-password"), type));
            parameters.setTrustManagers(trust);
        }
        if (!keyStore.isBlank()) {
            String keyStorePassword = optional(context, "dataflux.redis.tls.key-store-password");
            KeyManagersParameters keys = new KeyManagersParameters();
            keys.setKeyStore(store(keyStore, keyStorePassword, type));
            keys.setKeyPassword(keyStorePassword);
            parameters.setKeyManagers(keys);
        }
        return parameters;
    }

    private static KeyStoreParameters store(String location, String password, String type) {
        KeyStoreParameters store = new KeyStoreParameters();
        // Camel reads a plain name from the class path: a path on disk (a mounted secret) needs file:
        store.setResource(location.contains(":") ? location : "file:" + location);
        store.setPassword(password.isEmpty() ? null : password);
        store.setType(type);
        return store;
    }

    private static String property(CamelContext context, String key) {
        return context.resolvePropertyPlaceholders("{{" + key + "}}").strip();
    }

    private static String optional(CamelContext context, String key) {
        return context.resolvePropertyPlaceholders("{{" + key + ":}}");
    }
}
