package io.dataflux.kerberos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.AccessController;
import java.security.PrivilegedAction;
import java.security.PrivilegedExceptionAction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.ScheduledFuture;

import javax.security.auth.Subject;
import javax.security.auth.kerberos.KerberosTicket;

import io.dataflux.cli.DataFluxCli;
import io.dataflux.component.hdfs.HdfsKerberos;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.security.UserGroupInformation;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Kerberos credentials that do not work are named as such, by the {@code hdfs:} endpoint and by {@code check}: an
 * unknown principal, and a keytab whose key no longer matches the KDC's (the key was regenerated after the keytab was
 * exported). And a good login is renewed from its keytab while its file system is open.
 */
@Tag("kerberos")
class HdfsKerberosCredentialsTest {

    private static KerberizedHdfs hdfs;

    @BeforeAll
    static void startKerberizedHdfs() throws Exception {
        hdfs = KerberizedHdfs.shared();
    }

    @Test
    void anUnknownPrincipalStopsTheEndpointAndCheckNamesIt() throws Exception {
        File keytab = hdfs.createPrincipal("gone");
        hdfs.deletePrincipal("gone");
        String principal = "gone@" + hdfs.realm();

        assertThat(loginFailure(() -> startArchiveEndpoint(principal, keytab)))
                .hasMessageStartingWith("HDFS Kerberos login of " + principal + " from keytab " + keytab + " failed: ")
                .hasMessageContaining("the KDC does not know the principal " + principal)
                .hasMessageEndingWith("(Client not found in Kerberos database (6) - Client not found in Kerberos database)");

        Check check = check(principal, keytab);
        assertThat(check.exitCode()).as(check.output()).isEqualTo(1);
        assertThat(check.output()).containsPattern("hdfs +FAIL +HDFS Kerberos login of " + principal
                + " from keytab \\S+ failed: the KDC does not know the principal " + principal);
    }

    @Test
    void aKeytabWhoseKeyNoLongerMatchesStopsTheEndpointAndCheckNamesIt() throws Exception {
        File stale = hdfs.createPrincipal("rotated");
        File fresh = hdfs.regenerateKey("rotated");
        String principal = "rotated@" + hdfs.realm();

        assertThat(loginFailure(() -> startArchiveEndpoint(principal, stale)))
                .hasMessageStartingWith("HDFS Kerberos login of " + principal + " from keytab " + stale + " failed: ")
                .hasMessageContaining("the key in keytab " + stale + " no longer matches the KDC's key of " + principal)
                .hasMessageEndingWith("(Integrity check on decrypted field failed (31) - PREAUTH_FAILED)");

        Check check = check(principal, stale);
        assertThat(check.exitCode()).as(check.output()).isEqualTo(1);
        assertThat(check.output()).containsPattern("hdfs +FAIL +HDFS Kerberos login of " + principal
                + " from keytab \\S+ failed: the key in keytab \\S+ no longer matches the KDC's key of " + principal);
        // the keytab exported after the key changed logs in
        assertThat(HdfsKerberos.login(principal, fresh.getAbsolutePath(), null, clientConfiguration()).getUserName())
                .isEqualTo(principal);
    }

    @Test
    void checkPassesWithTheRightPrincipalAndKeytab() {
        Check check = check(hdfs.clientPrincipal(), hdfs.clientKeytab());
        assertThat(check.output()).containsPattern("hdfs +OK +" + hdfs.uri() + ", /dataflux/posts writable as "
                + hdfs.clientPrincipal() + " \\(Kerberos\\)");
    }

    @Test
    void theTicketIsRenewedFromTheKeytabWhileTheFileSystemIsOpen() throws Exception {
        Configuration conf = clientConfiguration();
        // look at the ticket every second; Hadoop also allows a new login only this long after the last one
        conf.setInt(HdfsKerberos.MIN_SECONDS_BEFORE_RELOGIN, 1);
        UserGroupInformation user = HdfsKerberos.login(hdfs.clientPrincipal(), hdfs.clientKeytab().getAbsolutePath(),
                null, conf);
        FileSystem fs = user.doAs((PrivilegedExceptionAction<FileSystem>) () -> FileSystem.newInstance(URI.create(hdfs.uri()), conf));
        Date firstLogin = ticket(user).getAuthTime();
        ScheduledFuture<?> renewal = HdfsKerberos.renewWhileOpen(user, hdfs.clientKeytab().getAbsolutePath(), fs, conf);
        // as if 80% of the ticket's lifetime had passed
        UserGroupInformation.setShouldRenewImmediatelyForTests(true);
        try {
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(ticket(user).getAuthTime()).isAfter(firstLogin));
        } finally {
            UserGroupInformation.setShouldRenewImmediatelyForTests(false);
        }
        Path file = new Path(KerberizedHdfs.ARCHIVE_DIR, "after-renewal.jsonl");
        try (FSDataOutputStream out = fs.create(file, true)) {
            out.write("{\"id\":\"renewed\"}\n".getBytes(StandardCharsets.UTF_8));
            out.hsync();
        }
        assertThat(hdfs.superuserFileSystem().getFileStatus(file).getOwner()).isEqualTo(KerberizedHdfs.CLIENT);

        fs.close();
        await().atMost(Duration.ofSeconds(10)).until(renewal::isDone);
    }

    /** The login failure that stopped the endpoint from starting, wherever Camel wrapped it. */
    private static Throwable loginFailure(ThrowingCallable start) {
        Throwable thrown = catchThrowable(start);
        for (Throwable cause = thrown; cause != null; cause = cause.getCause()) {
            if (cause instanceof HdfsKerberos.LoginFailedException) {
                return cause;
            }
        }
        throw new AssertionError("no HDFS Kerberos login failure in " + thrown, thrown);
    }

    /** The user's ticket-granting ticket, as seen from inside the user (UGI keeps its Subject to itself). */
    @SuppressWarnings("removal")
    private static KerberosTicket ticket(UserGroupInformation user) {
        Subject subject = user.doAs((PrivilegedAction<Subject>) () -> Subject.getSubject(AccessController.getContext()));
        return subject.getPrivateCredentials(KerberosTicket.class).stream()
                .filter(ticket -> ticket.getServer().getName().startsWith("krbtgt/"))
                .findFirst().orElseThrow();
    }

    private static Configuration clientConfiguration() {
        Configuration conf = new Configuration();
        conf.set(HdfsKerberos.NAMENODE_PRINCIPAL, hdfs.namenodePrincipal());
        conf.set("dfs.data.transfer.protection", "authentication");
        conf.setBoolean("fs.automatic.close", false);
        return conf;
    }

    /** Starts an hdfs: producer as the archive route configures it; it connects and logs in at start. */
    private static void startArchiveEndpoint(String principal, File keytab) throws Exception {
        try (CamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:archive").routeId("kerberos-archive")
                            .to(hdfs.uri() + KerberizedHdfs.ARCHIVE_DIR + "?connectOnStartup=true"
                                    + "&kerberosUsername=" + principal
                                    + "&kerberosKeytabLocation=" + keytab.getAbsolutePath()
                                    + "&hadoop.dfs.namenode.kerberos.principal=" + hdfs.namenodePrincipal()
                                    + "&hadoop.dfs.data.transfer.protection=authentication");
                }
            });
            camel.start();
        }
    }

    private record Check(int exitCode, String output) {
    }

    /** ./dataflux check with these credentials, in this JVM; only its hdfs line matters here. */
    private static Check check(String principal, File keytab) {
        List<String> arguments = new ArrayList<>(List.of("check",
                "--set", "dataflux.hdfs.uri=" + hdfs.uri(),
                "--set", "dataflux.archive.dir=" + KerberizedHdfs.ARCHIVE_DIR,
                "--set", "dataflux.hdfs.kerberos-principal=" + principal,
                "--set", "dataflux.hdfs.kerberos-keytab=" + keytab.getAbsolutePath(),
                "--set", "dataflux.hdfs.kerberos-config=" + hdfs.krb5Conf().getAbsolutePath(),
                "--set", "dataflux.hdfs.namenode-principal=" + hdfs.namenodePrincipal(),
                "--set", "dataflux.hdfs.data-transfer-protection=authentication",
                "--set", "camel.main.java-routes-exclude-pattern=**/*Test*"));
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8);
        System.setOut(capture);
        System.setErr(capture);
        try {
            int exitCode = DataFluxCli.execute(arguments.toArray(String[]::new));
            return new Check(exitCode, captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }
}
