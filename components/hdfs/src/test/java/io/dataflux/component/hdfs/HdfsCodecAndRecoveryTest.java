package io.dataflux.component.hdfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;

import io.dataflux.testing.TestServers;
import org.apache.camel.Exchange;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.service.ServiceHelper;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Codec round trips (readable before the roll too) and start-up recovery of files a killed writer left in progress. */
class HdfsCodecAndRecoveryTest extends HdfsTestSupport {

    @ParameterizedTest
    @EnumSource(value = HdfsCompressionCodec.class, names = { "GZIP", "BZIP2", "DEFLATE", "DEFAULT" })
    void roundTripsThroughTheCodec(HdfsCompressionCodec codec) throws Exception {
        Producer producer = startedProducer(hdfs("", "compressionCodec=" + codec + "&rollAge=0&instanceId=codec"));
        CompressionCodec hadoopCodec = codec.create(reader.getConf());
        String expected = "";
        for (int i = 0; i < 3; i++) {
            String record = "{\"id\":" + i + ",\"text\":\"" + "zip ".repeat(50) + "\"}";
            Exchange exchange = new DefaultExchange(context);
            exchange.getMessage().setBody(List.of(record));
            producer.process(exchange);
            expected += record + "\n";
        }
        // each exchange is a complete compressed stream: readable by another client before the roll
        String inProgress = names(base).get(0);
        assertThat(inProgress).endsWith(hadoopCodec.getDefaultExtension() + ".opened");
        try (InputStream in = hadoopCodec.createInputStream(reader.open(new Path(base, inProgress)))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(expected);
        }

        ServiceHelper.stopService(producer);

        String committed = names(base).get(0);
        assertThat(committed).matches("part-codec-.*\\.jsonl\\" + hadoopCodec.getDefaultExtension());
        assertThat(read(base + "/" + committed)).isEqualTo(expected);
        assertThat(reader.getFileStatus(new Path(base, committed)).getLen()).isLessThan(expected.length());
    }

    @Test
    void recoversTheInProgressFilesAKilledWriterLeftBehind() throws Exception {
        Path dir = new Path(base, "dt=2026-01-01");
        Path withData = new Path(dir, "_part-crashed-20260101T000000-00007.jsonl.opened");
        Path empty = new Path(dir, "_part-crashed-20260101T000000-00008.jsonl.opened");
        Path otherInstance = new Path(dir, "_part-alive-20260101T000000-00001.jsonl.opened");
        FileSystem killed = FileSystem.newInstance(URI.create(TestServers.hdfs().uri()), TestServers.hdfs().configuration());
        FSDataOutputStream out = killed.create(withData, (short) 1);
        out.write("{\"id\":\"a\"}\n{\"id\":\"b\"}\n".getBytes(StandardCharsets.UTF_8));
        out.hsync();
        killed.create(empty, (short) 1).hsync();
        FSDataOutputStream alive = reader.create(otherInstance, (short) 1);
        alive.write("still writing\n".getBytes(StandardCharsets.UTF_8));
        alive.hflush();
        // the writer dies: its streams are dropped without completing the files, its leases are never released
        ((DistributedFileSystem) killed).getClient().closeAllFilesBeingWritten(true);

        // the other instance lives: its heartbeat is fresh
        Path heartbeat = new Path(new Path(new Path(base).getParent(), Heartbeats.DIR), new Path(base).getName() + "/alive");
        reader.create(heartbeat, true).close();

        Producer producer = startedProducer(hdfs("", "instanceId=crashed&leaseRecoveryTimeout=60s&rollAge=0"));
        try {
            assertThat(names(dir.toString())).containsExactly("_part-alive-20260101T000000-00001.jsonl.opened",
                    "part-crashed-20260101T000000-00007.jsonl");
            assertThat(read(dir + "/part-crashed-20260101T000000-00007.jsonl")).isEqualTo("{\"id\":\"a\"}\n{\"id\":\"b\"}\n");
        } finally {
            ServiceHelper.stopService(producer);
            alive.close();
        }
    }
}
