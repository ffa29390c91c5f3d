package io.dataflux.component.hdfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflux.testing.TestServers;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.Test;

/**
 * A YAML (and an XML) route written the way camel-hdfs routes were (splitStrategy, openedSuffix, overwrite,
 * compressionCodec) runs with no Java wiring: the hdfs scheme is found through its generated service file.
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
                              splitStrategy: "MESSAGES:2,IDLE:60000"
                              openedSuffix: tmp
                              overwrite: false
                              compressionCodec: GZIP
                              instanceId: legacy
                """.formatted(location);
        PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.fromString("legacy.camel.yaml", routes));
        assertThat(context.getComponent("hdfs")).isInstanceOf(HdfsComponent.class);

        template.sendBody("direct:legacy", Map.of("id", "p-1"));
        assertThat(names(base + "/out")).singleElement().asString().startsWith("_part-legacy-").endsWith(".jsonl.gz.tmp");
        template.sendBody("direct:legacy", Map.of("id", "p-2"));

        // MESSAGES:2 rolled the file: committed under its final name, gzip-compressed
        String committed = names(base + "/out").stream().filter(name -> !name.startsWith("_")).findFirst().orElseThrow();
        assertThat(committed).matches("part-legacy-.*\\.jsonl\\.gz");
        ObjectMapper mapper = new ObjectMapper();
        assertThat(read(base + "/out/" + committed).lines().map(line -> readId(mapper, line))).containsExactly("p-1", "p-2");
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
                    "instanceId", "inProgressPrefix", "openedSuffix", "splitStrategy", "overwrite", "append",
                    "compressionCodec", "namedNodes", "kerberosConfigFileLocation", "kerberosUsername",
                    "kerberosKeytabLocation", "existingFilePolicy", "heartbeatInterval", "heartbeatExpiry");
            for (String option : options) {
                assertThat(metadata.at("/properties/" + option + "/description").asText()).as(option).isNotBlank();
            }
            assertThat(metadata.at("/properties/rollSize/defaultValue").asLong()).isEqualTo(134_217_728L);
            // component-level options: every option but the location, as camel.component.hdfs.*
            for (String option : List.of("instanceId", "kerberosUsername", "heartbeatExpiry", "hadoopProperties")) {
                assertThat(metadata.at("/componentProperties/" + option + "/description").asText()).as(option).isNotBlank();
            }
            assertThat(metadata.at("/component/producerOnly").asBoolean()).isTrue();
            // no consumer, no sequence files
            for (String removed : List.of("readMode", "readSuffix", "chunkSize", "owner", "fileType", "keyType",
                    "valueType", "compressionType")) {
                assertThat(metadata.at("/properties/" + removed).isMissingNode()).as(removed).isTrue();
            }
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
