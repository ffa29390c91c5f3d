package io.dataflux.component.hdfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.junit.jupiter.api.Test;

/** Partitioned paths, their sanitising, fixed file names and the existing-file policies. */
class HdfsPathsTest extends HdfsTestSupport {

    @Test
    void writesUnderPartitionsFromDatesAndHeaders() throws Exception {
        String uri = hdfs("", "partition=dt=${date:now:yyyy-MM-dd}/source=${header.source}&rollCount=1&rollAge=0&instanceId=p");

        Exchange written = template.request(uri, e -> {
            e.getMessage().setBody("{\"id\":1}");
            e.getMessage().setHeader("source", "forum");
        });

        String today = LocalDate.now(ZoneId.systemDefault()).format(DateTimeFormatter.ISO_LOCAL_DATE);
        String path = written.getMessage().getHeader(HdfsConstants.PATH, String.class);
        assertThat(path).startsWith(base + "/dt=" + today + "/source=forum/part-p-");
        assertThat(filesUnder(base)).containsExactly(path);
        assertThat(read(path)).isEqualTo("{\"id\":1}\n");
    }

    @Test
    void sanitisesValuesTakenFromRecordsSoTheyStayUnderTheBase() throws Exception {
        String uri = hdfs("", "partition=country=${body[country]}&partitionPerRecord=true&rollAge=0&instanceId=rec");

        Exchange written = template.request(uri, e -> e.getMessage().setBody(List.of(
                Map.of("id", 1, "country", "CH"),
                Map.of("id", 2, "country", "../../etc/passwd"),
                Map.of("id", 3, "country", "CH\u0000\n"),
                Map.of("id", 4, "country", "CH"))));
        context.stop();

        assertThat(written.getMessage().getHeader(HdfsConstants.PATHS, List.class)).hasSize(3);
        List<String> files = filesUnder(base);
        assertThat(files).hasSize(3).allMatch(file -> file.startsWith(base + "/country="));
        assertThat(files).anyMatch(file -> file.startsWith(base + "/country=.._.._etc_passwd/"))
                .anyMatch(file -> file.startsWith(base + "/country=CH__/"));
        String ch = files.stream().filter(file -> file.startsWith(base + "/country=CH/")).findFirst().orElseThrow();
        assertThat(read(ch)).contains("\"id\":1").contains("\"id\":4");
    }

    @Test
    void failsAnExchangeWhosePartitionWouldEscapeTheBase() {
        String fromHeader = hdfs("", "rollAge=0&instanceId=esc");
        assertThatThrownBy(() -> template.requestBodyAndHeader(fromHeader, "x", HdfsConstants.PARTITION, "a/../../b"))
                .isInstanceOf(CamelExecutionException.class).cause()
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'..' would escape");

        String fromRecord = hdfs("", "partition=${body[dir]}&partitionPerRecord=true&rollAge=0&instanceId=esc");
        assertThatThrownBy(() -> template.requestBody(fromRecord, List.of(Map.of("dir", ".."))))
                .cause().hasMessageContaining("'..' would escape");
        assertThatThrownBy(() -> template.requestBody(hdfs("", "partition=../elsewhere&rollAge=0"), "x"))
                .cause().hasMessageContaining("'..' would escape");
    }

    @Test
    void fixedNamesFollowTheExistingFilePolicy() throws Exception {
        // one DataNode: an append pipeline cannot be rebuilt for a file that asks for three replicas
        String unique = hdfs("", "fileName=events.log&rollCount=1&rollAge=0&replication=1");
        template.requestBody(unique, "first");
        template.requestBody(unique, "second");
        assertThat(names(base)).containsExactly("events-1.log", "events.log");
        assertThat(read(base + "/events.log")).isEqualTo("first\n");

        template.requestBody(hdfs("", "fileName=events.log&rollCount=1&rollAge=0&overwrite=true&replication=1"), "replaced");
        assertThat(read(base + "/events.log")).isEqualTo("replaced\n");

        template.requestBody(hdfs("", "fileName=events.log&rollCount=1&rollAge=0&append=true"), "appended");
        assertThat(read(base + "/events.log")).isEqualTo("replaced\nappended\n");

        assertThatThrownBy(() -> template.requestBody(hdfs("", "fileName=events.log&rollAge=0&existingFilePolicy=FAIL"), "x"))
                .cause().isInstanceOf(FileAlreadyExistsException.class).hasMessageContaining("events.log exists");
        assertThat(names(base)).containsExactly("events-1.log", "events.log");
    }
}
