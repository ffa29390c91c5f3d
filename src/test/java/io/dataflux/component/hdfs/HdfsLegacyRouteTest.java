package io.dataflux.component.hdfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflux.testing.TestServers;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.Test;

/**
 * A YAML (and an XML) route written the way camel-hdfs routes were (splitStrategy, openedSuffix, readSuffix, chunkSize, overwrite,
 * fileType, compressionCodec) runs with no Java wiring: the hdfs scheme is found through its generated service file.
 */
class HdfsLegacyRouteTest extends HdfsTestSupport {

    @Test
    void runsAYamlRouteWrittenWithCamelHdfsOptions() throws Exception {
        String location = TestServers.hdfs().uri() + base;
        String routes = """
                - route:
                    id: legacy-archive
                    from:
                      uri: direct:legacy
                      steps:
                        - to:
                            uri: "%s/out"
                            parameters:
                              fileType: NORMAL_FILE
                              splitStrategy: "MESSAGES:2,IDLE:60000"
                              openedSuffix: tmp
                              overwrite: false
                              compressionCodec: GZIP
                              instanceId: legacy
                - route:
                    id: legacy-reader
                    from:
                      uri: "%s/out"
                      parameters:
                        pattern: "*.gz"
                        readMode: CHUNK
                        chunkSize: 4096
                        readSuffix: done
                        initialDelay: 0
                        delay: 100
                      steps:
                        - to: mock:read
                """.formatted(location, location);
        PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.fromString("legacy.camel.yaml", routes));
        assertThat(context.getComponent("hdfs")).isInstanceOf(HdfsComponent.class);

        MockEndpoint read = getMockEndpoint("mock:read");
        read.expectedMessageCount(1);
        template.sendBody("direct:legacy", Map.of("id", "p-1"));
        assertThat(names(base + "/out")).singleElement().asString().startsWith("_part-legacy-").endsWith(".jsonl.gz.tmp");
        template.sendBody("direct:legacy", Map.of("id", "p-2"));

        read.assertIsSatisfied(10_000);
        String content = read.getExchanges().get(0).getMessage().getBody(String.class);
        ObjectMapper mapper = new ObjectMapper();
        assertThat(content.lines().map(line -> readId(mapper, line))).containsExactly("p-1", "p-2");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(names(base + "/out"))
                .singleElement().asString().matches("part-legacy-.*\\.jsonl\\.gz\\.done"));
        HdfsEndpoint archive = context.getEndpoints().stream()
                .filter(e -> e instanceof HdfsEndpoint h && h.getConfiguration().getRollCount() == 2)
                .map(HdfsEndpoint.class::cast).findFirst().orElseThrow();
        assertThat(archive.getConfiguration().getRollIdle()).isEqualTo(60_000);
        assertThat(archive.getConfiguration().getExistingFilePolicy()).isEqualTo(ExistingFilePolicy.FAIL);
    }

    @Test
    void runsAnXmlRouteToo() throws Exception {
        String routes = """
                <routes xmlns="http://camel.apache.org/schema/xml-io">
                    <route id="xml-archive">
                        <from uri="direct:xml"/>
                        <to uri="%s%s/xml?splitStrategy=MESSAGES:1&amp;instanceId=xml"/>
                    </route>
                </routes>
                """.formatted(TestServers.hdfs().uri(), base);
        PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.fromString("archive.camel.xml", routes));

        template.sendBody("direct:xml", "from xml");

        assertThat(filesUnder(base + "/xml")).singleElement()
                .satisfies(path -> assertThat(read(path)).isEqualTo("from xml\n"));
    }

    @Test
    void reachesTheClusterThroughAnHaNameServiceOfNamedNodes() throws Exception {
        String nameNode = TestServers.hdfs().uri().substring("hdfs://".length());
        String uri = "hdfs://dataflux-ns" + base + "?namedNodes=" + nameNode + "&rollCount=1&rollAge=0&instanceId=ha";

        String path = template.request(uri, e -> e.getMessage().setBody("via the name service"))
                .getMessage().getHeader(HdfsConstants.PATH, String.class);

        assertThat(read(path)).isEqualTo("via the name service\n");
    }

    @Test
    void publishesItsOptionsInTheGeneratedMetadata() throws Exception {
        try (InputStream json = getClass().getResourceAsStream("/META-INF/io/dataflux/component/hdfs/hdfs.json")) {
            JsonNode metadata = new ObjectMapper().readTree(json);
            assertThat(metadata.at("/component/scheme").asText()).isEqualTo("hdfs");
            assertThat(metadata.at("/component/syntax").asText()).isEqualTo("hdfs:hostName:port/path");
            List<String> options = List.of("rollSize", "rollCount", "rollAge", "rollIdle", "syncMode", "partition",
                    "instanceId", "inProgressPrefix", "openedSuffix", "readSuffix", "splitStrategy", "chunkSize", "overwrite",
                    "append", "fileType", "compressionCodec", "owner", "namedNodes", "kerberosConfigFileLocation",
                    "kerberosUsername", "kerberosKeytabLocation", "existingFilePolicy", "readMode");
            for (String option : options) {
                assertThat(metadata.at("/properties/" + option + "/description").asText()).as(option).isNotBlank();
            }
            assertThat(metadata.at("/properties/rollSize/defaultValue").asLong()).isEqualTo(134_217_728L);
            assertThat(metadata.at("/headers/CamelHdfsRollReason/description").asText()).isNotBlank();
        }
    }

    private static String readId(ObjectMapper mapper, String line) {
        try {
            return mapper.readTree(line).get("id").asText();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
