package io.dataflux.component.hdfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Component-level options (camel.component.hdfs.*) are every endpoint's defaults, Hadoop settings with dotted names
 * included; an endpoint's own options override them, and endpoints do not share what they set.
 */
class HdfsComponentOptionsTest {

    @TempDir
    Path dir;

    @Test
    void componentOptionsAreEveryEndpointsDefaultsAndEndpointOptionsOverrideThem() throws Exception {
        Path keytab = Files.writeString(dir.resolve("dataflux.keytab"), "not read before the first connection");
        Main main = new Main();
        // only the properties of this test: not application.properties, no routes
        main.setDefaultPropertyPlaceholderLocation("false");
        main.configure().withRoutesCollectorEnabled(false);
        main.addInitialProperty("camel.component.hdfs.instance-id", "replica-1");
        main.addInitialProperty("camel.component.hdfs.connect-on-startup", "false");
        main.addInitialProperty("camel.component.hdfs.heartbeat-expiry", "60000");
        main.addInitialProperty("camel.component.hdfs.kerberos-username", "dataflux@EXAMPLE.ORG");
        main.addInitialProperty("camel.component.hdfs.kerberos-keytab-location", keytab.toString());
        main.addInitialProperty("camel.component.hdfs.hadoop-properties[dfs.data.transfer.protection]", "privacy");
        main.start();
        try {
            CamelContext context = main.getCamelContext();
            HdfsConfiguration archive = context.getEndpoint("hdfs://namenode:8020/archive?rollCount=5", HdfsEndpoint.class)
                    .getConfiguration();
            HdfsConfiguration payloads = context.getEndpoint("hdfs://namenode:8020/payloads?instanceId=replica-2"
                    + "&heartbeatExpiry=90000&hadoop.dfs.data.transfer.protection=integrity"
                    + "&hadoop.dfs.client.use.datanode.hostname=true", HdfsEndpoint.class).getConfiguration();

            assertThat(archive.getInstanceId()).isEqualTo("replica-1");
            assertThat(archive.isConnectOnStartup()).isFalse();
            assertThat(archive.getHeartbeatExpiry()).isEqualTo(60000);
            assertThat(archive.getKerberosUsername()).isEqualTo("dataflux@EXAMPLE.ORG");
            assertThat(archive.getKerberosKeytabLocation()).isEqualTo(keytab.toString());
            assertThat(archive.getHadoopProperties()).containsExactlyEntriesOf(
                    java.util.Map.of("dfs.data.transfer.protection", "privacy"));
            assertThat(archive.getRollCount()).isEqualTo(5);
            assertThat(archive.getPath()).isEqualTo("/archive");

            assertThat(payloads.getInstanceId()).isEqualTo("replica-2");
            assertThat(payloads.getHeartbeatExpiry()).isEqualTo(90000);
            assertThat(payloads.isConnectOnStartup()).isFalse();
            assertThat(payloads.getHadoopProperties()).containsEntry("dfs.data.transfer.protection", "integrity")
                    .containsEntry("dfs.client.use.datanode.hostname", "true");
            assertThat(payloads.getRollCount()).isZero();
            assertThat(payloads.getPath()).isEqualTo("/payloads");

            HdfsComponent component = context.getComponent("hdfs", HdfsComponent.class);
            assertThat(component.getConfiguration().getInstanceId()).isEqualTo("replica-1");
            assertThat(component.getConfiguration().getHadoopProperties()).hasSize(1);
        } finally {
            main.stop();
        }
    }
}
