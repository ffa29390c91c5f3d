package io.dataflux.component.hdfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;

import org.apache.camel.CamelExecutionException;
import org.apache.camel.FailedToCreateProducerException;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Producer;
import org.apache.camel.ResolveEndpointFailedException;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.support.service.ServiceHelper;
import org.junit.jupiter.api.Test;

/** Bad input fails clearly: a null body, unknown or unsupported options, an unreachable NameNode (and its health). */
class HdfsBadInputTest extends HdfsTestSupport {

    @Test
    void aNullBodyFailsTheExchange() {
        assertThatThrownBy(() -> template.requestBody(hdfs("", "rollAge=0"), (Object) null))
                .isInstanceOf(CamelExecutionException.class).cause()
                .isInstanceOf(InvalidPayloadException.class).hasStackTraceContaining("the message body is null");
    }

    @Test
    void anUnknownOptionFailsTheEndpoint() {
        assertThatThrownBy(() -> context.getEndpoint(hdfs("", "rollSzie=5")))
                .isInstanceOf(ResolveEndpointFailedException.class).hasMessageContaining("rollSzie");
        // camel-hdfs's sequence-file and consumer options are not options of this producer-only component
        assertThatThrownBy(() -> context.getEndpoint(hdfs("", "fileType=SEQUENCE_FILE")))
                .isInstanceOf(ResolveEndpointFailedException.class).hasMessageContaining("fileType");
        assertThatThrownBy(() -> context.getEndpoint(hdfs("", "readMode=LINE")))
                .isInstanceOf(ResolveEndpointFailedException.class).hasMessageContaining("readMode");
    }

    @Test
    void optionsThatCannotBeSupportedFailAtStartUpWithTheReason() {
        assertThatThrownBy(() -> template.requestBody(hdfs("", "splitStrategy=LINES:5"), "x"))
                .hasStackTraceContaining("splitStrategy type 'LINES' is unknown");
        assertThatThrownBy(() -> template.requestBody(hdfs("", "append=true&overwrite=true"), "x"))
                .hasStackTraceContaining("append=true and overwrite=true contradict each other");
        assertThatThrownBy(() -> template.requestBody(hdfs("", "compressionCodec=ZSTANDARD"), "x"))
                .hasStackTraceContaining("compressionCodec=ZSTANDARD cannot be used in this JVM");
        assertThatThrownBy(() -> template.requestBody(hdfs("", "kerberosUsername=dataflux@EXAMPLE.ORG"), "x"))
                .hasStackTraceContaining("Kerberos needs both kerberosUsername and kerberosKeytabLocation");
        assertThatThrownBy(() -> template.requestBody(
                hdfs("", "kerberosUsername=dataflux@EXAMPLE.ORG&kerberosKeytabLocation=/nonexistent/dataflux.keytab"), "x"))
                .hasStackTraceContaining("the keytab /nonexistent/dataflux.keytab is not a readable file");
    }

    @Test
    void anUnreachableNameNodeFailsTheProducerAtStartUp() throws IOException {
        String uri = "hdfs://127.0.0.1:" + closedPort() + "/archive?rollAge=0";

        assertThatThrownBy(() -> template.requestBody(uri, "x"))
                .isInstanceOf(FailedToCreateProducerException.class)
                .hasStackTraceContaining("hdfs: hdfs://127.0.0.1:").hasStackTraceContaining("/archive cannot be reached")
                .hasStackTraceContaining("Connection refused");
    }

    @Test
    void theHealthCheckIsDownWithTheReasonWhenTheNameNodeCannotBeReached() throws Exception {
        Producer down = startedProducer("hdfs://127.0.0.1:" + closedPort() + "/archive?connectOnStartup=false&rollAge=0");
        Producer up = startedProducer(hdfs("", "rollAge=0"));
        // "full": the default exposure level leaves UP checks out of the results
        HealthCheckHelper.getHealthCheckRegistry(context).setExposureLevel("full");
        try {
            Collection<HealthCheck.Result> results = HealthCheckHelper.invokeReadiness(context);

            assertThat(results).filteredOn(r -> r.getCheck().getId().startsWith("hdfs-producer:hdfs://127.0.0.1:"))
                    .hasSize(2)
                    .anySatisfy(result -> {
                        assertThat(result.getState()).isEqualTo(HealthCheck.State.DOWN);
                        assertThat(result.getMessage()).get().asString().contains("/archive cannot be reached")
                                .contains("Connection refused");
                    })
                    .anySatisfy(result -> {
                        assertThat(result.getState()).isEqualTo(HealthCheck.State.UP);
                        assertThat(result.getCheck().getId()).endsWith(base);
                    });
            assertThat(HealthCheckHelper.invokeLiveness(context))
                    .noneMatch(result -> result.getCheck().getId().startsWith("hdfs-"));
        } finally {
            ServiceHelper.stopService(down, up);
        }
    }

    @Test
    void aFailedWriteKeepsWhatWasSyncedBeforeAndCommitsItWithReasonError() throws Exception {
        String uri = hdfs("", "rollAge=0&replication=1&instanceId=err");
        template.requestBody(uri, "synced before");
        InputStream breaksHalfway = new SequenceInputStream(
                new ByteArrayInputStream("half a rec".getBytes(StandardCharsets.UTF_8)), new InputStream() {
                    @Override
                    public int read() throws IOException {
                        throw new IOException("source connection reset");
                    }
                });

        assertThatThrownBy(() -> template.requestBody(uri, breaksHalfway))
                .cause().isInstanceOf(IOException.class).hasMessage("source connection reset");

        HdfsEndpoint endpoint = context.getEndpoint(uri, HdfsEndpoint.class);
        assertThat(endpoint.getMetrics().getRolls(RollReason.ERROR)).isEqualTo(1);
        assertThat(endpoint.getMetrics().getWriteErrors()).isEqualTo(1);
        assertThat(names(base)).singleElement().asString().doesNotStartWith("_");
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(read(base + "/" + names(base).get(0))).isEqualTo("synced before\n"));

        template.requestBody(uri, "next");
        assertThat(names(base)).hasSize(2);
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
