package io.dataflux.cli;

import java.io.IOException;
import java.net.URI;
import java.security.PrivilegedExceptionAction;
import java.util.function.UnaryOperator;

import io.dataflux.component.hdfs.HdfsKerberos;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsAction;
import org.apache.hadoop.security.AccessControlException;
import org.apache.hadoop.security.UserGroupInformation;

/**
 * The HDFS check when the cluster needs Kerberos: the login from the keytab first, as the pipeline logs in (an unknown
 * principal, a keytab whose key no longer matches, an unreachable KDC are each named), then, as that principal, the
 * archive directory.
 */
final class HdfsKerberosCheck {

    private static final String PRINCIPAL = "dataflux.hdfs.kerberos-principal";

    private HdfsKerberosCheck() {
    }

    /** Whether HDFS is configured with Kerberos; {@code settings} gives a key's value, empty when unset. */
    static boolean isConfigured(UnaryOperator<String> settings) {
        return !settings.apply(PRINCIPAL).isBlank();
    }

    static ServerChecks.Result check(UnaryOperator<String> settings, String uri, String directory, int timeoutMillis) {
        String principal = settings.apply(PRINCIPAL);
        String keytab = settings.apply("dataflux.hdfs.kerberos-keytab");
        Configuration conf = new Configuration();
        conf.setBoolean("fs.automatic.close", false);
        conf.setInt("ipc.client.connect.max.retries", 0);
        conf.setInt("ipc.client.connect.max.retries.on.timeouts", 0);
        conf.setInt("ipc.client.connect.timeout", timeoutMillis);
        setUnlessBlank(conf, HdfsKerberos.NAMENODE_PRINCIPAL, settings.apply("dataflux.hdfs.namenode-principal"));
        setUnlessBlank(conf, "dfs.data.transfer.protection", settings.apply("dataflux.hdfs.data-transfer-protection"));
        UserGroupInformation user;
        try {
            user = HdfsKerberos.login(principal, keytab, settings.apply("dataflux.hdfs.kerberos-config"), conf);
        } catch (IOException e) {
            return ServerChecks.Result.fail("hdfs", e.getMessage()
                    + " (dataflux.hdfs.kerberos-principal, dataflux.hdfs.kerberos-keytab)");
        }
        try {
            return user.doAs((PrivilegedExceptionAction<ServerChecks.Result>)
                    () -> writable(uri, directory, conf, principal));
        } catch (AccessControlException e) {
            return ServerChecks.Result.fail("hdfs", uri + ": " + principal + " has no permission to write " + directory
                    + ": " + e.getMessage().lines().findFirst().orElse(""));
        } catch (IOException | RuntimeException e) {
            return ServerChecks.Result.fail("hdfs", "HDFS at " + uri + " (dataflux.hdfs.uri) did not accept "
                    + principal + " (Kerberos): " + HdfsKerberos.explain(principal, keytab, e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ServerChecks.Result.fail("hdfs", "interrupted");
        }
    }

    private static ServerChecks.Result writable(String uri, String directory, Configuration conf, String principal)
            throws IOException {
        try (FileSystem fs = FileSystem.newInstance(URI.create(uri), conf)) {
            Path target = new Path(directory);
            Path existing = target;
            while (!fs.exists(existing)) {
                existing = existing.getParent();
            }
            fs.access(existing, FsAction.WRITE);
            return ServerChecks.Result.ok("hdfs", uri + ", " + (existing.equals(target) ? directory + " writable"
                    : directory + " created at the first write (" + existing + " is writable)")
                    + " as " + principal + " (Kerberos)");
        }
    }

    private static void setUnlessBlank(Configuration conf, String key, String value) {
        if (value != null && !value.isBlank()) {
            conf.set(key, value);
        }
    }
}
