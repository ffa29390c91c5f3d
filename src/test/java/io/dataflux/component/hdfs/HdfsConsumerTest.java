package io.dataflux.component.hdfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.apache.camel.Producer;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.service.ServiceHelper;
import org.apache.hadoop.security.UserGroupInformation;
import org.junit.jupiter.api.Test;

/** The consumer reads complete files back (never in-progress ones) and renames, moves or deletes them after. */
class HdfsConsumerTest extends HdfsTestSupport {

    @Test
    void readsLinesOfCompleteFilesOnlyAndRenamesThemWithTheReadSuffix() throws Exception {
        String writer = hdfs("", "rollCount=2&rollAge=0&instanceId=w");
        template.requestBody(writer, List.of("a1", "a2"));
        template.requestBody(writer, List.of("b1", "b2"));
        template.requestBody(writer, "open"); // stays in progress: the producer is still running
        assertThat(names(base)).hasSize(3).filteredOn(name -> name.startsWith("_")).hasSize(1);

        MockEndpoint lines = getMockEndpoint("mock:lines");
        lines.expectedBodiesReceived("a1", "a2", "b1", "b2");
        lines.expectedHeaderValuesReceivedInAnyOrder(HdfsConstants.INDEX, 0L, 1L, 0L, 1L);
        consume(hdfs("", "readMode=LINE&pattern=*.jsonl&maxMessagesPerPoll=1&initialDelay=0&delay=100"), "mock:lines");

        lines.assertIsSatisfied(10_000);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(names(base))
                .filteredOn(name -> name.endsWith(".jsonl.read")).hasSize(2));
        assertThat(names(base)).filteredOn(name -> name.startsWith("_") && name.endsWith(".opened")).hasSize(1);
    }

    @Test
    void readsWholeCompressedFilesRecursivelyAndDeletesThem() throws Exception {
        Producer producer = startedProducer(hdfs("", "compressionCodec=GZIP&partition=${header.day}&rollAge=0&instanceId=z"));
        for (String day : List.of("d1", "d2")) {
            DefaultExchange exchange = new DefaultExchange(context);
            exchange.getMessage().setBody(List.of("{\"day\":\"" + day + "\"}"));
            exchange.getMessage().setHeader("day", day);
            producer.process(exchange);
        }
        ServiceHelper.stopService(producer);

        MockEndpoint files = getMockEndpoint("mock:files");
        files.expectedMessageCount(2);
        consume(hdfs("", "recursive=true&delete=true&initialDelay=0&delay=100"), "mock:files");

        files.assertIsSatisfied(10_000);
        assertThat(files.getExchanges()).extracting(e -> new String(e.getMessage().getBody(byte[].class), StandardCharsets.UTF_8))
                .containsExactlyInAnyOrder("{\"day\":\"d1\"}\n", "{\"day\":\"d2\"}\n");
        assertThat(files.getExchanges()).extracting(e -> e.getMessage().getHeader(HdfsConstants.FILE_NAME, String.class))
                .allMatch(name -> name.matches("d[12]/part-z-.*\\.jsonl\\.gz"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(filesUnder(base)).isEmpty());
    }

    @Test
    void streamsOrChunksAFileAndMovesItAway() throws Exception {
        reader.mkdirs(new org.apache.hadoop.fs.Path(base));
        try (var out = reader.create(new org.apache.hadoop.fs.Path(base, "raw.bin"))) {
            out.write("0123456789".getBytes(StandardCharsets.UTF_8));
        }
        MockEndpoint streamed = getMockEndpoint("mock:streamed");
        streamed.expectedBodiesReceived("0123456789");
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(hdfs("", "streamDownload=true&readSuffix=streamed&initialDelay=0&delay=100"))
                        .routeId("streamed").convertBodyTo(String.class).to("mock:streamed");
            }
        });
        streamed.assertIsSatisfied(10_000);
        context.getRouteController().stopRoute("streamed");
        reader.rename(new org.apache.hadoop.fs.Path(base, "raw.bin.streamed"), new org.apache.hadoop.fs.Path(base, "raw.bin"));
        // a file of the same name was moved before: the move picks a free name instead of failing every poll
        reader.mkdirs(new org.apache.hadoop.fs.Path(base, "done"));
        reader.create(new org.apache.hadoop.fs.Path(base, "done/raw.bin")).close();

        MockEndpoint chunks = getMockEndpoint("mock:chunks");
        chunks.expectedMessageCount(3);
        consume(hdfs("", "readMode=CHUNK&chunkSize=4&moveTo=done&initialDelay=0&delay=100"), "mock:chunks");

        chunks.assertIsSatisfied(10_000);
        assertThat(chunks.getExchanges()).extracting(e -> e.getMessage().getBody(String.class))
                .containsExactly("0123", "4567", "89");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(filesUnder(base)).containsExactly(base + "/done/raw-1.bin", base + "/done/raw.bin"));
    }

    @Test
    void readsOnlyTheFilesOfTheConfiguredOwner() throws Exception {
        reader.mkdirs(new org.apache.hadoop.fs.Path(base));
        try (var out = reader.create(new org.apache.hadoop.fs.Path(base, "mine.jsonl"))) {
            out.write("{}\n".getBytes(StandardCharsets.UTF_8));
        }
        String me = UserGroupInformation.getCurrentUser().getShortUserName();
        MockEndpoint mine = getMockEndpoint("mock:mine");
        mine.expectedHeaderReceived(HdfsConstants.FILE_NAME, "mine.jsonl");
        consume(hdfs("", "owner=somebody-else&initialDelay=0&delay=50"), "mock:others");
        consume(hdfs("", "owner=" + me + "&initialDelay=200&delay=50"), "mock:mine");

        mine.assertIsSatisfied(10_000);
        getMockEndpoint("mock:others").expectedMessageCount(0);
        getMockEndpoint("mock:others").assertIsSatisfied();
    }

    private void consume(String uri, String to) throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).to(to);
            }
        });
    }
}
