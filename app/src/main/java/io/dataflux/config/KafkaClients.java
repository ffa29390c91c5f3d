package io.dataflux.config;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import org.apache.camel.CamelContext;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Kafka has one definition: the {@code camel.component.kafka.*} options (brokers, security protocol, SASL mechanism
 * and JAAS config, trust store). The producer gets them from camel-kafka; the admin clients of {@code check} and the
 * probes get the same connection settings from here.
 */
public final class KafkaClients {

    private KafkaClients() {
    }

    /** Admin client properties: the component's connection and security settings, with the given time-outs. */
    public static Map<String, Object> adminProperties(CamelContext context, int timeoutMillis) {
        KafkaComponent kafka = context.getComponent("kafka", KafkaComponent.class);
        Properties producer = kafka.getConfiguration().createProducerProperties();
        Map<String, Object> admin = new HashMap<>();
        // only what an admin client knows: the producer's own settings (acks, linger, ...) would be warned about
        producer.forEach((key, value) -> {
            if (AdminClientConfig.configNames().contains(key.toString())) {
                admin.put(key.toString(), value);
            }
        });
        admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getConfiguration().getBrokers());
        admin.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMillis);
        admin.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMillis);
        admin.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
        admin.remove(AdminClientConfig.CLIENT_ID_CONFIG);
        return admin;
    }
}
