package io.dataflux.ops;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.health.HealthCheckRegistry;

/**
 * What operations add to the pipeline (docs/operations.md): the cluster service {@code master:} routes elect their
 * leader with, the Prometheus metrics bean, and the MySQL and Kafka readiness checks, which say why a server refuses
 * (Redis and HDFS have theirs in their components).
 */
@Configuration
public class OperationsConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) throws Exception {
        context.addService(ClusterSettings.create(context), true, true);

        PipelineMetrics metrics = new PipelineMetrics();
        context.getRegistry().bind(PipelineMetrics.BEAN, metrics);
        context.getManagementStrategy().addEventNotifier(metrics);

        HealthCheckRegistry health = HealthCheckRegistry.get(context);
        if (health != null) {
            MySqlHealthCheck check = new MySqlHealthCheck("dataSource");
            check.setCamelContext(context);
            health.register(check);
            KafkaHealthCheck kafka = new KafkaHealthCheck();
            kafka.setCamelContext(context);
            health.register(kafka);
        }
    }
}
