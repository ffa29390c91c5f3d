package io.dataflux.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watchdog that keeps test servers from outliving the JVM that started them. */
class ExternalProcessTest {

    @Test
    void serverEndsWhenItsParentIsKilledWithSigkill(@TempDir Path dir) throws Exception {
        Process parent = new ProcessBuilder("sleep", "300").start();
        ExternalProcess server = ExternalProcess.start("sleeper", List.of("sleep", "300"), dir.resolve("out.log"),
                Map.of(), parent.pid());
        await().atMost(Duration.ofSeconds(5)).until(() -> server.server().isPresent());
        ProcessHandle serverProcess = server.server().orElseThrow();

        parent.destroyForcibly().waitFor();

        await().atMost(Duration.ofSeconds(5)).until(() -> !serverProcess.isAlive());
        assertThat(server.isAlive()).isFalse();
    }

    @Test
    void closeStopsTheServerAndItsWatchdog(@TempDir Path dir) throws Exception {
        ExternalProcess server = ExternalProcess.start("sleeper", List.of("sleep", "300"), dir.resolve("out.log"), Map.of());
        await().atMost(Duration.ofSeconds(5)).until(() -> server.server().isPresent());
        ProcessHandle serverProcess = server.server().orElseThrow();

        server.close();

        assertThat(serverProcess.isAlive()).isFalse();
        assertThat(server.isAlive()).isFalse();
    }
}
