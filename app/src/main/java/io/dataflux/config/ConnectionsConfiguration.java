package io.dataflux.config;

import com.zaxxer.hikari.HikariDataSource;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.support.service.ServiceSupport;
import org.springframework.data.redis.connection.jedis.JedisConnectionFactory;

/**
 * The connection definitions that are Java rather than {@code camel.beans.*} properties: the Redis connection factory
 * ({@value RedisConnections#BEAN}). MySQL is the {@code dataSource} bean and Kafka the {@code camel.component.kafka.*}
 * options in application.properties. Both pools are closed when the context stops, after its routes.
 */
@Configuration
public class ConnectionsConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) throws Exception {
        JedisConnectionFactory redis = RedisConnections.create(context);
        context.getRegistry().bind(RedisConnections.BEAN, redis);
        // a service stops after the routes: deferred acknowledgements still reach Redis while the source shuts down
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                redis.destroy();
            }
        }, true, true);
        // Camel does not close the beans of camel.beans.*: without this, every stop of a context (a Karaf
        // reconfiguration, a test) would leave its MySQL pool's connections open on the server
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                HikariDataSource mysql = MySqlConnections.dataSource(context);
                if (mysql != null) {
                    mysql.close();
                }
            }
        }, true, true);
    }
}
