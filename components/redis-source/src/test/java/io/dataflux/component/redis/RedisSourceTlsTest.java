package io.dataflux.component.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.dataflux.testing.RedisTestServer;

/** TLS to a Redis of its own with a certificate from a test CA: trusted through sslContextParameters, refused without. */
class RedisSourceTlsTest extends RedisSourceTestSupport {

    @TempDir
    static Path certificates;
    private static RedisTestServer server;
    private static String trustStorePassword;

    @BeforeAll
    static void startServer() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is needed for the test CA");
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=DataFlux test CA",
                "-keyout", "ca.key", "-out", "ca.crt");
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", "server.key",
                "-out", "server.csr");
        Files.writeString(certificates.resolve("san.ext"), "subjectAltName=IP:127.0.0.1\n");
        openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-days", "1", "-extfile", "san.ext", "-out", "server.crt");
        trustStorePassword = UUID.randomUUID().toString();
        KeyStore trustStore = KeyStore.getInstance("PKCS12");
        trustStore.load(null, null);
        try (InputStream ca = Files.newInputStream(certificates.resolve("ca.crt"))) {
            trustStore.setCertificateEntry("dataflux-test-ca", CertificateFactory.getInstance("X.509").generateCertificate(ca));
        }
        try (OutputStream out = Files.newOutputStream(certificates.resolve("trust.p12"))) {
            trustStore.store(out, trustStorePassword.toCharArray());
        }
        try {
            server = RedisTestServer.startDedicatedWithTls(certificates.resolve("server.crt"),
                    certificates.resolve("server.key"), certificates.resolve("ca.crt"));
        } catch (UnsupportedOperationException e) {
            Assumptions.abort(e.getMessage());
        }
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static void openssl(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).directory(certificates.toFile()).redirectErrorStream(true)
                .redirectOutput(certificates.resolve("openssl.log").toFile()).start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(Files.readString(certificates.resolve("openssl.log"))).isZero();
    }

    @Override
    protected String host() {
        return server.host();
    }

    @Override
    protected int port() {
        return server.port();
    }

    @Test
    void itemsAreReadOverTlsWhenTheCaIsTrustedAndTheServerIsRefusedOtherwise() throws Exception {
        redis.lpush(key, "over TLS");
        KeyStoreParameters trustStore = new KeyStoreParameters();
        trustStore.setResource("file:" + certificates.resolve("trust.p12"));
        trustStore.setPassword(trustStorePassword);
        trustStore.setType("PKCS12");
        TrustManagersParameters trustManagers = new TrustManagersParameters();
        trustManagers.setKeyStore(trustStore);
        SSLContextParameters tls = new SSLContextParameters();
        tls.setTrustManagers(trustManagers);

        List<String> delivered = new CopyOnWriteArrayList<>();
        String tlsUri = "redis-source:" + key + "?mode=list&host=" + host() + "&port=" + server.tlsPort()
                + RedisTestServer.uriCredentials();
        CamelContext context = startContext(new RouteBuilder() {
            @Override
            public void configure() {
                getContext().getRegistry().bind("testCaTls", tls);
                from(tlsUri + "&consumerName=trusting&exchangePerEntry=true&sslContextParameters=#testCaTls")
                        .routeId("trusting")
                        .process(exchange -> delivered.add(exchange.getMessage().getBody(String.class)));
                from(tlsUri + "&consumerName=default-trust&ssl=true").routeId("default-trust")
                        .process(exchange -> delivered.add("read without trusting the CA"));
            }
        });

        await().atMost(Duration.ofSeconds(10)).until(() -> delivered.contains("over TLS"));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> health(context, "default-trust").orElseThrow().getState() == HealthCheck.State.DOWN);
        assertThat(delivered).containsExactly("over TLS");
        assertThat(health(context, "trusting").orElseThrow().getState()).isEqualTo(HealthCheck.State.UP);
    }
}
