package io.dataflux.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/** A real HDFS: a MiniDFSCluster (one NameNode, one DataNode) inside the test JVM, on 127.0.0.1. */
public final class HdfsTestServer implements TestServer {

    private final MiniDFSCluster cluster;
    private final Path dir;
    private final Duration startupTime;

    private HdfsTestServer(MiniDFSCluster cluster, Path dir, Duration startupTime) {
        this.cluster = cluster;
        this.dir = dir;
        this.startupTime = startupTime;
    }

    static HdfsTestServer start() throws Exception {
        long began = System.nanoTime();
        Path dir = Files.createTempDirectory("dataflux-hdfs-");
        Configuration conf = new Configuration();
        // every endpoint on loopback only; port 0 lets the cluster pick free ones
        conf.set("dfs.namenode.rpc-bind-host", Network.HOST);
        conf.set("dfs.namenode.http-address", Network.HOST + ":0");
        conf.set("dfs.namenode.https-address", Network.HOST + ":0");
        conf.set("dfs.datanode.address", Network.HOST + ":0");
        conf.set("dfs.datanode.http.address", Network.HOST + ":0");
        conf.set("dfs.datanode.ipc.address", Network.HOST + ":0");
        conf.setBoolean("dfs.permissions.enabled", false);
        MiniDFSCluster cluster = new MiniDFSCluster.Builder(conf, dir.toFile())
                .numDataNodes(1)
                .build();
        cluster.waitActive();
        return new HdfsTestServer(cluster, dir, Duration.ofNanos(System.nanoTime() - began));
    }

    /** An HDFS of its own, for a test that stops and restarts its NameNode; the caller closes it. */
    public static HdfsTestServer startDedicated() throws Exception {
        return start();
    }

    /** Stops the NameNode (an outage); the DataNode, the metadata and the ports stay for {@link #startAgain()}. */
    public synchronized void stop() {
        cluster.shutdownNameNode(0);
    }

    /** Starts the stopped NameNode again on the same port, with the same metadata, and waits until it serves. */
    public synchronized void startAgain() throws Exception {
        cluster.restartNameNode(0, true);
    }

    /** The file system URI, e.g. hdfs://127.0.0.1:40123. */
    public String uri() {
        return "hdfs://" + Network.HOST + ":" + cluster.getNameNodePort();
    }

    /** The NameNode's WebHDFS base URL, e.g. http://127.0.0.1:40124/webhdfs/v1 (for a look with curl). */
    public String webHdfsUrl() {
        return "http://" + Network.HOST + ":" + cluster.getNameNode().getHttpAddress().getPort() + "/webhdfs/v1";
    }

    /** A client configuration for this cluster (the one the cluster itself runs with). */
    public Configuration configuration() {
        return new Configuration(cluster.getConfiguration(0));
    }

    @Override
    public String description() {
        return "HDFS MiniDFSCluster 3.4.2 (in-process) at " + uri();
    }

    @Override
    public Map<String, String> camelProperties() {
        return Map.of("dataflux.hdfs.uri", uri());
    }

    @Override
    public Duration startupTime() {
        return startupTime;
    }

    @Override
    public void close() {
        cluster.shutdown(true);
        TempDirs.delete(dir);
    }
}
