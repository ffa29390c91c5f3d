package io.dataflux.component.hdfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.apache.camel.support.service.ServiceHelper;
import org.junit.jupiter.api.Test;

/** Each rolling trigger (size, count, age and idle, the last two with no traffic) and what a roll reports. */
class HdfsRollingTest extends HdfsTestSupport {

    private final List<HdfsRollEvent> rollEvents = new CopyOnWriteArrayList<>();

    private void listenToRolls() {
        EventNotifierSupport listener = new EventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                if (event instanceof HdfsRollEvent roll) {
                    rollEvents.add(roll);
                }
            }
        };
        ServiceHelper.startService(listener);
        context.getManagementStrategy().addEventNotifier(listener);
    }

    @Test
    void rollsBySizeAndReportsTheCommittedFileOnTheExchange() throws Exception {
        String uri = hdfs("", "rollSize=100&rollAge=0&instanceId=size");
        String record = "x".repeat(39); // 40 bytes with the newline

        Exchange first = template.request(uri, e -> e.getMessage().setBody(record));
        Exchange second = template.request(uri, e -> e.getMessage().setBody(record));
        assertThat(first.getMessage().getHeader(HdfsConstants.ROLL_REASON)).isNull();
        assertThat(second.getMessage().getHeader(HdfsConstants.ROLL_REASON)).isNull();
        assertThat(names(base)).singleElement().asString().startsWith("_part-size-").endsWith(".jsonl.opened");

        Exchange third = template.request(uri, e -> e.getMessage().setBody(record));

        assertThat(third.getMessage().getHeader(HdfsConstants.ROLL_REASON)).isEqualTo(RollReason.SIZE);
        List<?> committed = third.getMessage().getHeader(HdfsConstants.COMMITTED_PATHS, List.class);
        assertThat(committed).singleElement().isEqualTo(third.getMessage().getHeader(HdfsConstants.PATH));
        assertThat(names(base)).singleElement().asString().matches("part-size-\\d{8}T\\d{6}-00001\\.jsonl");
        assertThat(read((String) committed.get(0))).isEqualTo((record + "\n").repeat(3));
        HdfsEndpoint endpoint = context.getEndpoint(uri, HdfsEndpoint.class);
        assertThat(endpoint.getMetrics().getRolls(RollReason.SIZE)).isEqualTo(1);
        assertThat(endpoint.getMetrics().getRecordsWritten()).isEqualTo(3);
        assertThat(endpoint.getMetrics().getBytesWritten()).isEqualTo(120);
    }

    @Test
    void rollsByRecordCountAndCountsTheRecordsOfAListBody() throws Exception {
        String uri = hdfs("", "rollCount=3&rollAge=0&instanceId=count");
        Exchange empty = template.request(uri, e -> e.getMessage().setBody(List.of()));
        assertThat(empty.getMessage().getHeader(HdfsConstants.RECORDS)).isEqualTo(0L);
        assertThat(names(base)).isEmpty();

        Exchange list = template.request(uri, e -> e.getMessage().setBody(List.of("a", "b")));
        assertThat(list.getMessage().getHeader(HdfsConstants.RECORDS)).isEqualTo(2L);
        assertThat(list.getMessage().getHeader(HdfsConstants.ROLL_REASON)).isNull();
        Exchange third = template.request(uri, e -> e.getMessage().setBody("c"));
        assertThat(third.getMessage().getHeader(HdfsConstants.ROLL_REASON)).isEqualTo(RollReason.COUNT);
        template.requestBody(uri, List.of("d", "e", "f"));

        List<String> files = filesUnder(base);
        assertThat(files).hasSize(2).allMatch(f -> f.endsWith(".jsonl") && !f.contains("_part"));
        assertThat(read(files.get(0))).isEqualTo("a\nb\nc\n");
        assertThat(read(files.get(1))).isEqualTo("d\ne\nf\n");
    }

    @Test
    void rollsByAgeOnTheTimerWithNoTraffic() throws Exception {
        listenToRolls();
        String uri = hdfs("", "rollAge=1s&checkIdleInterval=100&instanceId=age");

        Exchange written = template.request(uri, e -> e.getMessage().setBody(Map.of("id", "p-1", "n", 1)));
        assertThat(written.getMessage().getHeader(HdfsConstants.ROLL_REASON)).isNull();
        String finalPath = written.getMessage().getHeader(HdfsConstants.PATH, String.class);
        assertThat(reader.exists(new org.apache.hadoop.fs.Path(finalPath))).isFalse();

        // nothing else is sent: only the timer can commit the file
        await().atMost(Duration.ofSeconds(15)).until(() -> names(base).equals(List.of(finalPath.substring(finalPath.lastIndexOf('/') + 1))));
        assertThat(new ObjectMapper().readTree(read(finalPath)).get("id").asText()).isEqualTo("p-1");
        assertThat(rollEvents).singleElement().satisfies(event -> {
            assertThat(event.getReason()).isEqualTo(RollReason.AGE);
            assertThat(event.getPath()).isEqualTo(finalPath);
            assertThat(event.getRecords()).isEqualTo(1);
        });
        assertThat(context.getEndpoint(uri, HdfsEndpoint.class).getMetrics().getRolls(RollReason.AGE)).isEqualTo(1);
    }

    @Test
    void rollsByIdleTimeOnTheTimer() throws Exception {
        listenToRolls();
        String uri = hdfs("", "rollIdle=500&rollAge=0&checkIdleInterval=100&instanceId=idle");

        template.requestBody(uri, "one");
        template.requestBody(uri, "two");

        await().atMost(Duration.ofSeconds(15)).until(() -> names(base).size() == 1 && !names(base).get(0).startsWith("_"));
        assertThat(read(base + "/" + names(base).get(0))).isEqualTo("one\ntwo\n");
        assertThat(rollEvents).singleElement().extracting(HdfsRollEvent::getReason).isEqualTo(RollReason.IDLE);
    }

    @Test
    void writesEachKindOfRecordAsOneLine() throws Exception {
        String uri = hdfs("", "rollCount=6&rollAge=0&instanceId=kinds");
        ObjectMapper mapper = new ObjectMapper();

        template.requestBody(uri, List.of(
                "plain text",
                "already delimited\n".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                "{\"id\":\"b-1\",\"text\":\"encoded \uD83D\uDE80\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                Map.of("id", "m-1"),
                mapper.readTree("{\"id\":\"j-1\",\"tags\":[\"a\",\"b\"]}"),
                new Post("p-9", "naïve café 東京")));

        String content = read(filesUnder(base).get(0));
        assertThat(content.split("\n", -1)).containsExactly("plain text", "already delimited",
                "{\"id\":\"b-1\",\"text\":\"encoded \uD83D\uDE80\"}", "{\"id\":\"m-1\"}",
                "{\"id\":\"j-1\",\"tags\":[\"a\",\"b\"]}", "{\"id\":\"p-9\",\"text\":\"naïve café 東京\"}", "");
    }

    @Test
    void writesRawBytesOrLinesWithAConfiguredDelimiter() throws Exception {
        template.requestBody(hdfs("/bytes", "format=BYTES&rollCount=3&rollAge=0&instanceId=raw"),
                List.of("ab", "cd".getBytes(java.nio.charset.StandardCharsets.UTF_8), "ef\n"));
        assertThat(filesUnder(base + "/bytes")).singleElement().asString().doesNotContain(".jsonl");
        assertThat(read(filesUnder(base + "/bytes").get(0))).isEqualTo("abcdef\n");

        template.requestBody(hdfs("/stream", "rollCount=1&rollAge=0&instanceId=stream"),
                new java.io.ByteArrayInputStream("streamed record".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(read(filesUnder(base + "/stream").get(0))).isEqualTo("streamed record\n");

        template.requestBody(hdfs("/crlf", "delimiter=\\r\\n&fileExtension=.csv&rollCount=2&rollAge=0&instanceId=csv"),
                List.of("a,1", "b,2"));
        assertThat(filesUnder(base + "/crlf")).singleElement().asString().endsWith(".csv");
        assertThat(read(filesUnder(base + "/crlf").get(0))).isEqualTo("a,1\r\nb,2\r\n");
    }

    public record Post(String id, String text) {
    }
}
