package io.dataflux.component.hdfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.apache.camel.Exchange;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The producer on the local disk (fileSystemType=LOCAL, RawLocalFileSystem), as the demo can use it. */
class HdfsLocalFileSystemTest extends CamelTestSupport {

    @TempDir
    Path dir;

    @Test
    void writesRollsAndRecoversOnTheLocalDisk() throws Exception {
        Path leftBehind = dir.resolve("_part-laptop-20260101T000000-00001.jsonl.opened");
        Files.writeString(leftBehind, "{\"id\":\"old\"}\n");
        String uri = "hdfs://localhost" + dir + "?fileSystemType=LOCAL&rollCount=2&rollAge=0&instanceId=laptop"
                + "&partition=${header.day}";

        template.sendBodyAndHeader(uri, "{\"id\":1}", "day", "d1");
        assertThat(Files.readString(dir.resolve("part-laptop-20260101T000000-00001.jsonl"))).isEqualTo("{\"id\":\"old\"}\n");
        // the open file, and beside it the hidden sidecar holding its synced length (no xattrs on the local disk)
        assertThat(names(dir.resolve("d1"))).hasSize(2);
        String open = names(dir.resolve("d1")).get(1);
        assertThat(open).startsWith("_part-laptop-").endsWith(".jsonl.opened");
        assertThat(names(dir.resolve("d1")).get(0)).isEqualTo("_" + open + ".synced");
        // synced: the bytes are on disk before the roll
        assertThat(Files.readString(dir.resolve("d1").resolve(open))).isEqualTo("{\"id\":1}\n");

        Exchange second = template.request(uri, e -> {
            e.getMessage().setBody(List.of("{\"id\":2}".getBytes(StandardCharsets.UTF_8)));
            e.getMessage().setHeader("day", "d1");
        });

        assertThat(second.getMessage().getHeader(HdfsConstants.ROLL_REASON)).isEqualTo(RollReason.COUNT);
        String committed = second.getMessage().getHeader(HdfsConstants.PATH, String.class);
        assertThat(Files.readString(Path.of(committed))).isEqualTo("{\"id\":1}\n{\"id\":2}\n");
        // RawLocalFileSystem: no .crc side files; the sidecar went with the commit
        assertThat(names(dir.resolve("d1"))).containsExactly(Path.of(committed).getFileName().toString());
    }

    private static List<String> names(Path directory) throws Exception {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(file -> file.getFileName().toString()).sorted().toList();
        }
    }
}
