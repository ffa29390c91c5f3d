package io.dataflux.smoke;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;

import io.dataflux.testing.DataFluxCamelTest;
import io.dataflux.testing.RealServers;
import io.dataflux.testing.ServerKind;
import io.dataflux.testing.TestServers;
import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.IOUtils;
import org.junit.jupiter.api.Test;

/**
 * The Hadoop client against the real MiniDFSCluster, driven from a Camel route at the URI Camel resolves: write under
 * an in-progress name, hsync, rename to the final name, read back.
 */
@RealServers(ServerKind.HDFS)
class HdfsSmokeTest extends DataFluxCamelTest {

    private static final Path IN_PROGRESS = new Path("/smoke/_posts.jsonl.inprogress");
    private static final Path FINAL = new Path("/smoke/posts.jsonl");

    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:archive").routeId("smoke-hdfs-archive")
                        .process(exchange -> writeCommitted(exchange, exchange.getContext()
                                .resolvePropertyPlaceholders("{{dataflux.hdfs.uri}}")));
            }
        };
    }

    private static void writeCommitted(Exchange exchange, String hdfsUri) throws IOException {
        try (FileSystem fs = FileSystem.newInstance(URI.create(hdfsUri), new Configuration())) {
            try (FSDataOutputStream out = fs.create(IN_PROGRESS, false)) {
                out.write(exchange.getIn().getBody(String.class).getBytes(StandardCharsets.UTF_8));
                out.hsync();
                exchange.getIn().setHeader("syncedLength", out.getPos());
            }
            if (!fs.rename(IN_PROGRESS, FINAL)) {
                throw new IOException("rename " + IN_PROGRESS + " -> " + FINAL + " refused");
            }
        }
    }

    @Test
    void writesHsyncsRenamesAndReadsBackAFile() throws Exception {
        String lines = "{\"id\":\"p-1\",\"text\":\"naïve café\"}\n{\"id\":\"p-2\",\"text\":\"東京\"}\n";
        long synced = template.request("direct:archive", exchange -> exchange.getIn().setBody(lines))
                .getMessage().getHeader("syncedLength", Long.class);

        try (FileSystem fs = FileSystem.newInstance(URI.create(TestServers.hdfs().uri()), new Configuration())) {
            assertThat(fs.exists(IN_PROGRESS)).isFalse();
            assertThat(fs.getFileStatus(FINAL).getLen()).isEqualTo(synced)
                    .isEqualTo(lines.getBytes(StandardCharsets.UTF_8).length);
            byte[] content = new byte[(int) synced];
            try (var in = fs.open(FINAL)) {
                IOUtils.readFully(in, content, 0, content.length);
            }
            assertThat(new String(content, StandardCharsets.UTF_8)).isEqualTo(lines);
        }
    }
}
