package io.dataflux.component.hdfs;

import java.io.IOException;
import java.lang.ref.WeakReference;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import javax.security.auth.login.LoginException;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.security.UserGroupInformation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kerberos for HDFS clients: a login from a keytab into a user of the caller's own (never the JVM-wide login user, so
 * an endpoint's principal affects nothing else in the JVM), the ticket renewed from the keytab while the file system is
 * open, and a failed login explained in terms an operator can act on (unknown principal, a keytab whose key no longer
 * matches, no KDC).
 */
public final class HdfsKerberos {

    /** Hadoop's client setting naming the NameNode's principal; without it a Kerberos client refuses to connect. */
    public static final String NAMENODE_PRINCIPAL = "dfs.namenode.kerberos.principal";
    /** Hadoop's floor between two logins of a user; the renewal looks at the ticket this often (60 s by default). */
    public static final String MIN_SECONDS_BEFORE_RELOGIN = "hadoop.kerberos.min.seconds.before.relogin";

    private static final Logger LOG = LoggerFactory.getLogger(HdfsKerberos.class);

    private HdfsKerberos() {
    }

    /** A failed Kerberos login, with a message naming HDFS, the principal, the keytab and the cause. */
    public static final class LoginFailedException extends IOException {
        LoginFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Logs the principal in from its keytab. Turns Kerberos on in {@code conf} and, when the NameNode's principal is
     * not set, assumes Hadoop's convention {@code hdfs/_HOST@REALM} in the principal's realm.
     *
     * @param krb5Conf the krb5.conf to use, or null/empty for the JVM's (java.security.krb5.conf, /etc/krb5.conf)
     */
    public static UserGroupInformation login(String principal, String keytab, String krb5Conf, Configuration conf)
            throws IOException {
        if (krb5Conf != null && !krb5Conf.isBlank()) {
            // the JDK's Kerberos reads its configuration only from this JVM-wide property
            System.setProperty("java.security.krb5.conf", krb5Conf);
        }
        conf.set("hadoop.security.authentication", "kerberos");
        int at = principal.indexOf('@');
        String namenode = conf.get(NAMENODE_PRINCIPAL);
        if ((namenode == null || namenode.isBlank()) && at > 0) {
            conf.set(NAMENODE_PRINCIPAL, "hdfs/_HOST" + principal.substring(at));
        }
        // JVM-wide, but it only says that security is on and how: the login below is this caller's own
        UserGroupInformation.setConfiguration(conf);
        try {
            UserGroupInformation user = UserGroupInformation.loginUserFromKeytabAndReturnUGI(principal, keytab);
            LOG.info("hdfs: logged in to Kerberos as {} from keytab {}", principal, keytab);
            return user;
        } catch (IOException | RuntimeException e) {
            throw new LoginFailedException("HDFS Kerberos login of " + principal + " from keytab " + keytab
                    + " failed: " + explain(principal, keytab, e), e);
        }
    }

    /**
     * While {@code fs} is open, renews {@code user}'s ticket from its {@code keytab} before it expires (Hadoop renews
     * only the JVM's login user by itself). Stops by itself once the file system is closed or gone.
     */
    public static ScheduledFuture<?> renewWhileOpen(UserGroupInformation user, String keytab, FileSystem fs,
            Configuration conf) {
        long period = Math.max(1, conf.getLong(MIN_SECONDS_BEFORE_RELOGIN, 60));
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "HdfsKerberosRenewal-" + user.getShortUserName());
            thread.setDaemon(true);
            return thread;
        });
        WeakReference<FileSystem> openFs = new WeakReference<>(fs);
        ScheduledFuture<?> renewal = timer.scheduleWithFixedDelay(() -> {
            FileSystem current = openFs.get();
            if (current == null || !isOpen(current)) {
                timer.shutdown();
                return;
            }
            try {
                // a no-op until 80% of the ticket's lifetime has passed, then a new login from the keytab
                user.checkTGTAndReloginFromKeytab();
            } catch (IOException | RuntimeException e) {
                LOG.warn("hdfs: renewing the Kerberos ticket of {} failed, tried again in {} s: {}", user.getUserName(),
                        period, explain(user.getUserName(), keytab, e));
            }
        }, period, period, TimeUnit.SECONDS);
        return renewal;
    }

    private static boolean isOpen(FileSystem fs) {
        return !(fs instanceof DistributedFileSystem dfs) || dfs.getClient().isClientRunning();
    }

    /** The cause of a failed Kerberos login or connection, in plain words, with the JDK's own message. */
    public static String explain(String principal, String keytab, Throwable e) {
        StringBuilder messages = new StringBuilder();
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            messages.append(' ').append(cause.getMessage());
        }
        String all = messages.toString();
        String lower = all.toLowerCase(Locale.ROOT);
        String detail = kerberosMessage(e);
        if (lower.contains("client not found in kerberos database")) {
            return "the KDC does not know the principal " + principal + " (" + detail + ")";
        }
        if (lower.contains("pre-authentication information was invalid") || lower.contains("checksum failed")
                || lower.contains("integrity check on decrypted field failed")) {
            return "the key in keytab " + keytab + " no longer matches the KDC's key of " + principal
                    + " (its key version changed, or the keytab was regenerated: export it again) (" + detail + ")";
        }
        if (lower.contains("unable to obtain password from user")) {
            return "keytab " + keytab + " holds no key of " + principal + " (" + detail + ")";
        }
        if (lower.contains("cannot locate default realm") || lower.contains("cannot locate kdc")
                || lower.contains("cannot contact any kdc") || lower.contains("receive timed out")
                || lower.contains("connection refused")) {
            return "no KDC answers for the principal's realm; check the krb5.conf (dataflux.hdfs.kerberos-config) ("
                    + detail + ")";
        }
        return detail;
    }

    /** The JDK's login failure (e.g. "Client not found in Kerberos database (6)"), else the innermost message. */
    private static String kerberosMessage(Throwable e) {
        Throwable chosen = e;
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            chosen = cause;
            if (cause instanceof LoginException) {
                break;
            }
        }
        String message = chosen.getMessage() == null ? chosen.getClass().getSimpleName() : chosen.getMessage();
        return message.lines().findFirst().orElse("").strip();
    }
}
