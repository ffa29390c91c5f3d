package io.dataflux.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.dataflux.config.PropertySources.Entry;
import org.apache.camel.PropertyBindingException;
import org.apache.camel.RuntimeCamelException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigurationCheckTest {

    @Test
    void parsesKeysWithTheirLineNumbers() {
        List<Entry> entries = PropertySources.parse("""
                # a comment
                a.b = 1

                c.d:two
                e.f   three \\
                   continued
                g.h=
                """, "x.properties");
        assertThat(entries).containsExactly(
                new Entry("a.b", "1", "x.properties:2"),
                new Entry("c.d", "two", "x.properties:4"),
                new Entry("e.f", "three continued", "x.properties:5"),
                new Entry("g.h", "", "x.properties:7"));
    }

    @Test
    void theSchemaIsThePackagedApplicationProperties() {
        ConfigurationCheck check = new ConfigurationCheck(PropertySources.read(Map.of(), null));
        assertThat(check.schema()).containsEntry("dataflux.redis.port", "6379").containsKey("dataflux.mysql.password");
        assertThat(check.problems()).isEmpty();
    }

    @Test
    void anUnknownKeyInAFileIsNamedWithFileLineAndTheLikelyKey(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("application-prod.properties");
        Files.writeString(file, "dataflux.redis.host = redis.prod\n# note\ndataflux.redis.hots = typo\n", StandardCharsets.UTF_8);
        PropertySources sources = PropertySources.read(Map.of(
                "CAMEL_MAIN_PROPERTY_PLACEHOLDER_LOCATION", "classpath:application.properties,file:" + file + ";optional=true"), null);

        assertThat(new ConfigurationCheck(sources).problems()).containsExactly(
                file + ":3: unknown property 'dataflux.redis.hots' (did you mean 'dataflux.redis.host'?)");
    }

    @Test
    void environmentVariablesAndSecretsAreCheckedToo(@TempDir Path secrets) throws Exception {
        Files.writeString(secrets.resolve("dataflux.mysql.password"), "s3cret");
        Files.writeString(secrets.resolve("dataflux.mysql.pasword"), "s3cret");
        PropertySources sources = PropertySources.read(Map.of("DATAFLUX_KAFKA_BROKER", "k:9092",
                "DATAFLUX_REDIS_PORT", "six", "DATAFLUX_INGEST_AUTO_STARTUP", "yes",
                "CAMEL_MAIN_CLOUD_PROPERTIES_LOCATION", secrets.toString()), null);

        assertThat(new ConfigurationCheck(sources).problems()).containsExactlyInAnyOrder(
                "mounted secret " + secrets.resolve("dataflux.mysql.pasword")
                        + ": unknown property 'dataflux.mysql.pasword' (did you mean 'dataflux.mysql.password'?)",
                "environment variable DATAFLUX_KAFKA_BROKER matches no DataFlux property (did you mean 'DATAFLUX_KAFKA_BROKERS'?)",
                "environment variable DATAFLUX_REDIS_PORT: 'dataflux.redis.port' must be a whole number (default 6379), not 'six'",
                "environment variable DATAFLUX_INGEST_AUTO_STARTUP: 'dataflux.ingest.auto-startup' must be true or false, not 'yes'");
    }

    @Test
    void commandLineEntriesAndTheProfileAreChecked() {
        PropertySources sources = PropertySources.read(Map.of(), "dev");
        sources.add(List.of(new Entry("dataflux.redis.mode", "queue", "--set dataflux.redis.mode")));
        assertThat(new ConfigurationCheck(sources).problems())
                .containsExactly("--set dataflux.redis.mode: 'dataflux.redis.mode' must be stream or list, not 'queue'");
        assertThat(sources.overrides()).anyMatch(entry -> entry.origin().startsWith("application-dev.properties:")
                && entry.key().equals("camel.main.routes-reload-enabled"));
    }

    @Test
    void aCamelBindingFailureIsTracedToWhereTheKeyWasWritten() {
        PropertySources sources = PropertySources.read(Map.of(), null);
        sources.add(List.of(new Entry("camel.main.shutdown-timout", "4", "my.properties:12")));
        PropertyBindingException binding = new PropertyBindingException(new Object(), "camel.main.shutdownTimout", "4");
        String explained = new ConfigurationCheck(sources).explain(new RuntimeCamelException(binding));
        assertThat(explained).startsWith("Camel cannot use the property 'camel.main.shutdownTimout'")
                .contains("written at my.properties:12");
    }

    @Test
    void distanceCountsSingleCharacterEdits() {
        assertThat(ConfigurationCheck.distance("hots", "host")).isEqualTo(2);
        assertThat(ConfigurationCheck.distance("kafka", "kafka")).isZero();
        assertThat(ConfigurationCheck.distance("", "abc")).isEqualTo(3);
    }
}
