package io.dataflux.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordFileTest {

    @Test
    void jsonLinesKeepTheirLineNumbersAndBadLinesSayWhy(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes("{\"id\":\"1\"}\n".getBytes(StandardCharsets.UTF_8));
        bytes.writeBytes("\n".getBytes(StandardCharsets.UTF_8));                               // blank: skipped
        bytes.writeBytes("{\"id\":\"2\",\"body\":\"cut off\n".getBytes(StandardCharsets.UTF_8)); // line 3
        bytes.writeBytes(new byte[] {'{', '"', 'b', '"', ':', '"', (byte) 0xE9, '"', '}', '\n'});  // line 4: Latin-1
        bytes.writeBytes("[1,2]\r\n".getBytes(StandardCharsets.UTF_8));                           // line 5
        bytes.writeBytes("{\"id\":\"3\",\"id\":\"4\"}\n".getBytes(StandardCharsets.UTF_8));      // line 6
        bytes.writeBytes(("{\"id\":\"" + "x".repeat(100) + "\"}\n").getBytes(StandardCharsets.UTF_8)); // line 7
        bytes.writeBytes("{\"id\":\"5\",\"t\":\"東京 🚀\"}".getBytes(StandardCharsets.UTF_8));     // line 8, no newline
        Path file = dir.resolve("posts.jsonl");
        Files.write(file, bytes.toByteArray());

        List<RecordFile.Line> lines = read(file, 64);

        assertThat(lines).extracting(RecordFile.Line::number).containsExactly(1L, 3L, 4L, 5L, 6L, 7L, 8L);
        assertThat(lines.get(0).good()).isTrue();
        assertThat(new String(lines.get(0).payload(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":\"1\"}");
        assertThat(lines.get(1).rejection()).startsWith("not valid JSON:");
        assertThat(lines.get(2).rejection()).isEqualTo("not valid UTF-8");
        assertThat(lines.get(3).rejection()).isEqualTo("not a JSON object but array");
        assertThat(lines.get(4).rejection()).contains("Duplicate field 'id'");
        assertThat(lines.get(5).rejection()).isEqualTo("larger than dataflux.record.max-bytes (109 > 64 bytes)");
        assertThat(lines.get(6).good()).isTrue();
        assertThat(new String(lines.get(6).payload(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":\"5\",\"t\":\"東京 🚀\"}");
    }

    @Test
    void aJsonArrayGivesEachElementTheLineItStartsOn(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("posts.json");
        Files.writeString(file, """
                  [
                  {"id": "1",
                   "body": "a"},
                  "not an object",
                  {"id": "2"}
                ]
                """);

        List<RecordFile.Line> lines = read(file, 65536);

        assertThat(lines).extracting(RecordFile.Line::number).containsExactly(2L, 4L, 5L);
        assertThat(new String(lines.get(0).payload(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":\"1\",\"body\":\"a\"}");
        assertThat(lines.get(1).rejection()).isEqualTo("not a JSON object but string");
        assertThat(lines.get(2).good()).isTrue();
    }

    @Test
    void aBrokenArrayIsReportedWhereItBreaksAndReadingStops(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("posts.json");
        Files.writeString(file, "[\n{\"id\": \"1\"},\n{\"id\": oops},\n{\"id\": \"3\"}\n]\n");

        List<RecordFile.Line> lines = read(file, 65536);

        assertThat(lines).hasSize(2);
        assertThat(lines.get(0).good()).isTrue();
        assertThat(lines.get(1).number()).isEqualTo(3);
        assertThat(lines.get(1).rejection()).startsWith("the JSON array is broken here, nothing after it was read");
    }

    private static List<RecordFile.Line> read(Path file, int maxBytes) throws Exception {
        List<RecordFile.Line> lines = new ArrayList<>();
        try (RecordFile records = RecordFile.open(file, maxBytes)) {
            RecordFile.Line line;
            while ((line = records.next()) != null) {
                lines.add(line);
            }
        }
        return lines;
    }
}
