package io.dataflux.component.hdfs;

import java.io.IOException;
import java.net.URI;
import java.security.PrivilegedExceptionAction;
import java.util.ArrayList;
import java.util.List;

import org.apache.camel.util.ObjectHelper;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.security.UserGroupInformation;

/** Builds the Hadoop client configuration of an endpoint and opens its own (uncached) FileSystem. */
final class HdfsFileSystems {

    private static final String FAILOVER_PROXY_PROVIDER =
            "org.apache.hadoop.hdfs.server.namenode.ha.ConfiguredFailoverProxyProvider";

    private HdfsFileSystems() {
    }

    static Configuration configuration(HdfsConfiguration config) {
        Configuration conf = new Configuration();
        // fail fast on an unreachable NameNode instead of Hadoop's default of ten retries
        conf.setInt("ipc.client.connect.max.retries", config.getMaxConnectRetries());
        conf.setInt("ipc.client.connect.max.retries.on.timeouts", config.getMaxConnectRetries());
        conf.setInt("ipc.client.connect.timeout", (int) config.getConnectTimeout());
        conf.setInt("ipc.client.connect.retry.interval", 500);
        // the endpoint closes its file system when it stops; Hadoop's own JVM shutdown hook would close it first,
        // in the middle of Camel's graceful shutdown, and the last writes and renames would fail
        conf.setBoolean("fs.automatic.close", false);
        if (ObjectHelper.isNotEmpty(config.getNamedNodes())) {
            configureHa(conf, config.getHostName(), config.getNamedNodes());
        }
        if (ObjectHelper.isNotEmpty(config.getKerberosUsername())) {
            conf.set("hadoop.security.authentication", "kerberos");
        }
        // a blank value (an unset key, e.g. a Kerberos setting on a cluster without it) keeps Hadoop's default
        config.getHadoopProperties().forEach((key, value) -> {
            if (value != null && !String.valueOf(value).isBlank()) {
                conf.set(key, String.valueOf(value));
            }
        });
        return conf;
    }

    /** The URI of the file system: hdfs://host:port, hdfs://nameservice for HA, file:/// for LOCAL. */
    static URI uri(HdfsConfiguration config) {
        if (config.getFileSystemType() == HdfsFileSystemType.LOCAL) {
            return URI.create("file:///");
        }
        if (ObjectHelper.isNotEmpty(config.getNamedNodes())) {
            return URI.create("hdfs://" + config.getHostName());
        }
        return URI.create("hdfs://" + config.getHostName() + ":" + config.getPort());
    }

    static FileSystem open(HdfsConfiguration config) throws IOException {
        Configuration conf = configuration(config);
        URI uri = uri(config);
        if (config.getFileSystemType() == HdfsFileSystemType.LOCAL) {
            // the raw local file system (no checksum files); hadoop.fs.file.impl may name another (e.g. a test's wrapper)
            FileSystem local = org.apache.hadoop.util.ReflectionUtils.newInstance(
                    conf.getClass("fs.file.impl", RawLocalFileSystem.class, FileSystem.class), conf);
            local.initialize(uri, conf);
            return local;
        }
        if (ObjectHelper.isEmpty(config.getKerberosUsername())) {
            return FileSystem.newInstance(uri, conf);
        }
        // the endpoint's own Kerberos user, renewed while its file system is open: the file system keeps the user it
        // was created as for every later call, from any thread
        UserGroupInformation user = HdfsKerberos.login(config.getKerberosUsername(), config.getKerberosKeytabLocation(),
                config.getKerberosConfigFileLocation(), conf);
        FileSystem fs;
        try {
            fs = user.doAs((PrivilegedExceptionAction<FileSystem>) () -> FileSystem.newInstance(uri, conf));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("hdfs: interrupted while opening " + uri, e);
        }
        HdfsKerberos.renewWhileOpen(user, config.getKerberosKeytabLocation(), fs, conf);
        return fs;
    }

    private static void configureHa(Configuration conf, String nameService, String namedNodes) {
        List<String> ids = new ArrayList<>();
        for (String node : namedNodes.split(",")) {
            String id = "nn" + (ids.size() + 1);
            ids.add(id);
            conf.set("dfs.namenode.rpc-address." + nameService + "." + id, node.trim());
        }
        conf.set("dfs.nameservices", nameService);
        conf.set("dfs.ha.namenodes." + nameService, String.join(",", ids));
        conf.set("dfs.client.failover.proxy.provider." + nameService, FAILOVER_PROXY_PROVIDER);
    }
}
