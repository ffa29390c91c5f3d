package io.dataflux.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** generate takes the common options (--profile, --config, --set) like every command, and needs no server. */
class GenerateCommandTest {

    @Test
    void theOversizedRecordsFollowTheConfiguredRecordLimit(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("small.properties");
        Files.writeString(config, "dataflux.record.max-bytes = 5000\n");
        Path small = dir.resolve("small.jsonl");
        Path packaged = dir.resolve("packaged.jsonl");

        assertThat(generate("--records", "400", "--bad-share", "0.5", "--config", config.toString(), "-o", small.toString()).exitCode)
                .isZero();
        assertThat(generate("--records", "400", "--bad-share", "0.5", "-o", packaged.toString()).exitCode).isZero();

        // the oversized bad records are just over the limit in force: 5,000 bytes from --config, else the packaged 65,536
        assertThat(longestLine(small)).isBetween(5001, 65536);
        assertThat(longestLine(packaged)).isGreaterThan(65536);
        // --set wins over --config, and --max-record-bytes over both
        Path set = dir.resolve("set.jsonl");
        generate("--records", "400", "--bad-share", "0.5", "--config", config.toString(),
                "--set", "dataflux.record.max-bytes=65536", "-o", set.toString());
        assertThat(Files.readAllBytes(set)).isEqualTo(Files.readAllBytes(packaged));
        Path option = dir.resolve("option.jsonl");
        generate("--records", "400", "--bad-share", "0.5", "--max-record-bytes", "5000", "-o", option.toString());
        assertThat(Files.readAllBytes(option)).isEqualTo(Files.readAllBytes(small));
    }

    @Test
    void aWrongConfigurationGeneratesNothingAndExitsTwo() {
        Run run = generate("--records", "5", "--set", "dataflux.record.max-byte=1000");

        assertThat(run.exitCode).as(run.output).isEqualTo(2);
        assertThat(run.output).contains("--set dataflux.record.max-byte: unknown property 'dataflux.record.max-byte'")
                .contains("did you mean 'dataflux.record.max-bytes'?")
                .doesNotContain("\"id\"");
    }

    @Test
    void aProfileIsRead() {
        Run run = generate("--records", "3", "--profile", "dev", "--set", "x=y");

        assertThat(run.exitCode).as(run.output).isZero();
        assertThat(run.output.lines().filter(line -> line.startsWith("{"))).hasSize(3);
    }

    /** In bytes: some bad records are invalid UTF-8 on purpose. */
    private static int longestLine(Path file) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        int longest = 0;
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                longest = Math.max(longest, i - start);
                start = i + 1;
            }
        }
        return longest;
    }

    private record Run(int exitCode, String output) {
    }

    private static Run generate(String... args) {
        String[] arguments = new String[args.length + 1];
        arguments[0] = "generate";
        System.arraycopy(args, 0, arguments, 1, args.length);
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8);
        System.setOut(capture);
        System.setErr(capture);
        try {
            int exitCode = DataFluxCli.execute(arguments);
            capture.flush();
            return new Run(exitCode, captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }
}
