package io.dataflux.kerberos;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflux.enrich.EnrichedBatch;
import io.dataflux.enrich.EnrichedPost;
import io.dataflux.ingest.SourceRecord;
import io.dataflux.testing.DataFluxCamelTest;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.security.UserGroupInformation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The archive routes from the real route file (split, aggregate, write) write a batch of posts through the real
 * {@code hdfs:} endpoint into an HDFS that admits only Kerberos-authenticated clients, logged in from a keytab with the
 * application keys an operator sets; the files are read back and belong to DataFlux's principal, not to the JVM's login
 * user (HDFS itself, here).
 */
@Tag("kerberos")
class HdfsKerberosArchiveTest extends DataFluxCamelTest {

    private static KerberizedHdfs hdfs;

    private final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    static void startKerberizedHdfs() throws Exception {
        hdfs = KerberizedHdfs.shared();
    }

    @Override
    protected Properties testProperties() {
        Properties properties = new Properties();
        properties.put("dataflux.hdfs.uri", hdfs.uri());
        properties.put("dataflux.hdfs.connect-on-startup", "true");
        properties.put("dataflux.hdfs.kerberos-principal", hdfs.clientPrincipal());
        properties.put("dataflux.hdfs.kerberos-keytab", hdfs.clientKeytab().getAbsolutePath());
        properties.put("dataflux.hdfs.kerberos-config", hdfs.krb5Conf().getAbsolutePath());
        properties.put("dataflux.hdfs.namenode-principal", hdfs.namenodePrincipal());
        properties.put("dataflux.hdfs.data-transfer-protection", "authentication");
        properties.put("dataflux.archive.dir", KerberizedHdfs.ARCHIVE_DIR);
        return properties;
    }

    @Test
    void archivesPostsThroughKerberosAndReadsThemBack() throws Exception {
        List<Map<String, Object>> posts = List.of(post("k-1", "naïve café"), post("k-2", "東京 🚀"),
                post("k-3", "a plain post"));
        List<EnrichedPost> enriched = new ArrayList<>();
        for (Map<String, Object> post : posts) {
            enriched.add(new EnrichedPost(new SourceRecord(post.get("id") + "-0", json.writeValueAsBytes(post)), post));
        }

        // what the sinks' multicast hands to the archive: a batch of enriched posts
        template.sendBody("direct:sink-archive", EnrichedBatch.of(enriched));
        // stopping commits the open file under its final name, as a rolled file would be
        context.stop();

        List<Map<?, ?>> archived = new ArrayList<>();
        List<String> owners = new ArrayList<>();
        FileSystem fs = hdfs.superuserFileSystem();
        RemoteIterator<LocatedFileStatus> files = fs.listFiles(new Path(KerberizedHdfs.ARCHIVE_DIR), true);
        while (files.hasNext()) {
            LocatedFileStatus file = files.next();
            assertThat(file.getPath().getName()).as("committed, not in progress").endsWith(".jsonl").doesNotStartWith("_");
            owners.add(file.getOwner());
            try (InputStream in = fs.open(file.getPath())) {
                for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                    archived.add(json.readValue(line, Map.class));
                }
            }
        }
        assertThat(archived).containsExactlyInAnyOrderElementsOf(posts);
        assertThat(owners).isNotEmpty().containsOnly(KerberizedHdfs.CLIENT);
        assertThat(UserGroupInformation.getLoginUser().getShortUserName())
                .as("the JVM's login user stays HDFS's own; the endpoint has a user of its own").isEqualTo("hdfs");
    }

    private static Map<String, Object> post(String id, String text) {
        Map<String, Object> post = new LinkedHashMap<>();
        post.put("id", id);
        post.put("author_id", "u-1");
        post.put("text", text);
        return post;
    }
}
