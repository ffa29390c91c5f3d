package io.dataflux.kerberos;

import java.io.File;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.minikdc.MiniKdc;
import org.apache.kerby.kerberos.kerb.server.SimpleKdcServer;

/**
 * A KDC (Hadoop's MiniKdc, an Apache Kerby server) and a MiniDFSCluster that only admits Kerberos-authenticated clients,
 * both in this JVM on 127.0.0.1. Configured as Hadoop's own secure tests do (SaslDataTransferTestCase): NameNode and
 * DataNode log in from a keytab, block access tokens, SASL on the DataNode's data transfer port so that it needs no
 * privileged port, and {@code ignore.secure.ports.for.testing} so that the DataNode's HTTP server may stay plain HTTP.
 * <p>
 * Kerberos settings are JVM-wide (the krb5.conf, the login user): only tests tagged {@code kerberos} use this, in a
 * JVM of their own.
 */
final class KerberizedHdfs implements AutoCloseable {

    /** The principal HDFS runs as; its short name "hdfs" is the cluster's superuser. */
    static final String HDFS_SERVICE = "hdfs/localhost";
    /** The principal DataFlux logs in as. */
    static final String CLIENT = "dataflux";
    /** The archive directory the client owns. */
    static final String ARCHIVE_DIR = "/dataflux/posts";

    private final Path dir;
    private final MiniKdc kdc;
    private final MiniDFSCluster cluster;
    private final File clientKeytab;

    private KerberizedHdfs(Path dir, MiniKdc kdc, MiniDFSCluster cluster, File clientKeytab) {
        this.dir = dir;
        this.kdc = kdc;
        this.cluster = cluster;
        this.clientKeytab = clientKeytab;
    }

    private static KerberizedHdfs shared;

    /** The KDC and cluster of this JVM, started at the first call and stopped when the JVM ends. */
    static synchronized KerberizedHdfs shared() throws Exception {
        if (shared == null) {
            shared = start();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "kerberized-hdfs-stop"));
        }
        return shared;
    }

    private static KerberizedHdfs start() throws Exception {
        Path dir = Files.createTempDirectory("dataflux-kerberos-");
        Properties kdcConf = MiniKdc.createConf();
        kdcConf.setProperty(MiniKdc.KDC_BIND_ADDRESS, "localhost");
        MiniKdc kdc = new MiniKdc(kdcConf, dir.resolve("kdc").toFile());
        kdc.start();
        try {
            File serviceKeytab = dir.resolve("hdfs.keytab").toFile();
            kdc.createPrincipal(serviceKeytab, HDFS_SERVICE, "HTTP/localhost");
            File clientKeytab = dir.resolve("dataflux.keytab").toFile();
            kdc.createPrincipal(clientKeytab, CLIENT);
            MiniDFSCluster cluster = new MiniDFSCluster.Builder(serverConfiguration(kdc, serviceKeytab),
                    dir.resolve("hdfs").toFile()).numDataNodes(1).build();
            cluster.waitActive();
            KerberizedHdfs hdfs = new KerberizedHdfs(dir, kdc, cluster, clientKeytab);
            hdfs.createArchiveDirectory();
            return hdfs;
        } catch (Exception | Error e) {
            kdc.stop();
            throw e;
        }
    }

    private static Configuration serverConfiguration(MiniKdc kdc, File serviceKeytab) {
        String realm = kdc.getRealm();
        Configuration conf = new Configuration();
        conf.set("hadoop.security.authentication", "kerberos");
        conf.setBoolean("hadoop.security.authorization", true);
        conf.set("dfs.namenode.kerberos.principal", HDFS_SERVICE + "@" + realm);
        conf.set("dfs.namenode.keytab.file", serviceKeytab.getAbsolutePath());
        conf.set("dfs.datanode.kerberos.principal", HDFS_SERVICE + "@" + realm);
        conf.set("dfs.datanode.keytab.file", serviceKeytab.getAbsolutePath());
        conf.set("dfs.web.authentication.kerberos.principal", "HTTP/localhost@" + realm);
        conf.set("dfs.web.authentication.kerberos.keytab", serviceKeytab.getAbsolutePath());
        conf.setBoolean("dfs.block.access.token.enable", true);
        conf.set("dfs.data.transfer.protection", "authentication");
        conf.setBoolean("ignore.secure.ports.for.testing", true);
        conf.set("dfs.http.policy", "HTTP_ONLY");
        // every endpoint on loopback only; port 0 lets the cluster pick free ones
        conf.set("dfs.namenode.rpc-bind-host", "127.0.0.1");
        conf.set("dfs.namenode.http-address", "127.0.0.1:0");
        conf.set("dfs.namenode.https-address", "127.0.0.1:0");
        conf.set("dfs.datanode.address", "127.0.0.1:0");
        conf.set("dfs.datanode.http.address", "127.0.0.1:0");
        conf.set("dfs.datanode.ipc.address", "127.0.0.1:0");
        return conf;
    }

    /** As the superuser (the cluster's own login, hdfs): the archive directory, owned by the DataFlux principal. */
    private void createArchiveDirectory() throws Exception {
        FileSystem fs = cluster.getFileSystem();
        org.apache.hadoop.fs.Path archive = new org.apache.hadoop.fs.Path(ARCHIVE_DIR);
        fs.mkdirs(archive, new FsPermission((short) 0755));
        fs.setOwner(archive.getParent(), CLIENT, "supergroup");
        fs.setOwner(archive, CLIENT, "supergroup");
    }

    /** hdfs://127.0.0.1:port */
    String uri() {
        return "hdfs://127.0.0.1:" + cluster.getNameNodePort();
    }

    String realm() {
        return kdc.getRealm();
    }

    String clientPrincipal() {
        return CLIENT + "@" + kdc.getRealm();
    }

    String namenodePrincipal() {
        return HDFS_SERVICE + "@" + kdc.getRealm();
    }

    File clientKeytab() {
        return clientKeytab;
    }

    File krb5Conf() {
        return kdc.getKrb5conf();
    }

    /** The superuser's view of the cluster, to read back what the client wrote. */
    FileSystem superuserFileSystem() throws Exception {
        return cluster.getFileSystem();
    }

    /** Removes a principal from the KDC; a keytab exported for it stays behind. */
    void deletePrincipal(String name) throws Exception {
        kerby().deletePrincipal(name + "@" + kdc.getRealm());
    }

    private SimpleKdcServer kerby() throws ReflectiveOperationException {
        Field field = MiniKdc.class.getDeclaredField("simpleKdc");
        field.setAccessible(true);
        return (SimpleKdcServer) field.get(kdc);
    }

    /** A new principal with a keytab of its own. */
    File createPrincipal(String name) throws Exception {
        File keytab = dir.resolve(name + ".keytab").toFile();
        kdc.createPrincipal(keytab, name);
        return keytab;
    }

    /**
     * Gives a principal a new random key, as a keytab regenerated on the KDC does: the keytab exported before no
     * longer matches. MiniKdc has no such operation; its Kerby server (a private field of MiniKdc) does.
     */
    File regenerateKey(String name) throws Exception {
        deletePrincipal(name);
        File fresh = dir.resolve(name + "-new.keytab").toFile();
        kdc.createPrincipal(fresh, name);
        return fresh;
    }

    private static void deleteRecursively(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (java.io.IOException e) {
            // a temporary directory left behind is no test failure
        }
    }

    @Override
    public void close() {
        try {
            cluster.shutdown(true);
        } finally {
            kdc.stop();
            deleteRecursively(dir);
        }
    }
}
