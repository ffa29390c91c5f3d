package io.dataflux.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away certificate authority and a server certificate for 127.0.0.1 (subjectAltName IP:127.0.0.1, so host
 * name verification passes), made with openssl in a directory of the test's, plus a PKCS12 trust store holding the CA
 * (for Java clients) and one holding an unrelated CA (a client that does not trust the server).
 */
public record TestCertificates(Path caCertificate, Path serverCertificate, Path serverKey, Path trustStore,
                               Path untrustingStore, String trustStorePassword) {

    /** Whether openssl is there to make them. */
    public static boolean available() {
        return Files.isExecutable(Path.of("/usr/bin/openssl"));
    }

    public static TestCertificates create(Path dir) throws IOException, InterruptedException {
        openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=DataFlux test CA",
                "-keyout", "ca.key", "-out", "ca.crt");
        openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=Some other CA",
                "-keyout", "other-ca.key", "-out", "other-ca.crt");
        openssl(dir, "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", "server.key",
                "-out", "server.csr");
        Files.writeString(dir.resolve("san.ext"), "subjectAltName=IP:127.0.0.1\n");
        openssl(dir, "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-days", "1", "-extfile", "san.ext", "-out", "server.crt");
        String password = UUID.randomUUID().toString().replace("-", "");
        trustStore(dir.resolve("ca.crt"), dir.resolve("trust.p12"), password);
        trustStore(dir.resolve("other-ca.crt"), dir.resolve("untrusting.p12"), password);
        return new TestCertificates(dir.resolve("ca.crt"), dir.resolve("server.crt"), dir.resolve("server.key"),
                dir.resolve("trust.p12"), dir.resolve("untrusting.p12"), password);
    }

    private static void trustStore(Path ca, Path store, String password) throws IOException {
        try (InputStream in = Files.newInputStream(ca); OutputStream out = Files.newOutputStream(store)) {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
            trust.store(out, password.toCharArray());
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("cannot write the trust store " + store, e);
        }
    }

    private static void openssl(Path dir, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(arguments));
        Path log = dir.resolve("openssl.log");
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException("openssl " + String.join(" ", arguments) + " failed: " + Files.readString(log));
        }
    }
}
