package io.dataflux.ops;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.dataflux.config.KafkaClients;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;

/**
 * Readiness of Kafka with the producer's own connection settings (brokers, security protocol, SASL, trust store; see
 * {@link KafkaClients}): DOWN with the cause (credentials refused, TLS handshake failed, no broker answers) while the
 * cluster cannot be described. camel-kafka's producer check only says "not ready"; this one says why, naming no
 * broker address and no secret unless dataflux.management.health-exposure=full.
 */
public final class KafkaHealthCheck extends AbstractHealthCheck {

    private static final int TIMEOUT_MILLIS = 3000;

    public KafkaHealthCheck() {
        super("dataflux", "kafka");
    }

    /** A broker that is down or refuses us is no reason to restart the JVM: readiness only. */
    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        Map<String, Object> properties = KafkaClients.adminProperties(getCamelContext(), TIMEOUT_MILLIS);
        boolean internals = "full".equalsIgnoreCase(getCamelContext().resolvePropertyPlaceholders(
                "{{dataflux.management.health-exposure:default}}"));
        String server = internals ? "Kafka at " + properties.get("bootstrap.servers") : "Kafka";
        Admin admin = Admin.create(properties);
        try {
            admin.describeCluster().nodes().get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            builder.up();
        } catch (ExecutionException e) {
            builder.down().message(server + " " + reason(e.getCause()));
        } catch (TimeoutException e) {
            builder.down().message(server + " does not answer within " + TIMEOUT_MILLIS + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            builder.down().message("interrupted");
        } finally {
            admin.close(Duration.ofSeconds(1));
        }
    }

    private static String reason(Throwable cause) {
        if (cause instanceof SaslAuthenticationException) {
            return "refused the SASL credentials (dataflux.kafka.sasl-mechanism, dataflux.kafka.sasl-jaas-config)";
        }
        if (cause instanceof SslAuthenticationException) {
            return "refused the TLS handshake (dataflux.kafka.tls.*)";
        }
        if (cause instanceof AuthorizationException) {
            return "refused the user: not authorised";
        }
        if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
            return "does not answer (dataflux.kafka.brokers)";
        }
        return "failed: " + cause.getClass().getSimpleName();
    }
}
