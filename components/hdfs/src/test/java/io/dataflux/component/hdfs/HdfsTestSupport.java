package io.dataflux.component.hdfs;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.dataflux.testing.RealServers;
import io.dataflux.testing.ServerKind;
import io.dataflux.testing.TestServers;
import org.apache.camel.Producer;
import org.apache.camel.support.service.ServiceHelper;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;

/**
 * Tests of the hdfs component against the shared MiniDFSCluster. Each test writes under its own base directory, and
 * reads what was written through a second client (its own FileSystem instance), as another process would.
 */
@RealServers(ServerKind.HDFS)
abstract class HdfsTestSupport extends CamelTestSupport {

    private static final AtomicInteger DIRS = new AtomicInteger();

    /** The reader: a FileSystem of its own, never the producer's. */
    protected static FileSystem reader;
    /** This test's base directory. */
    protected String base;

    @BeforeAll
    static void openReader() throws IOException {
        reader = FileSystem.newInstance(URI.create(TestServers.hdfs().uri()), TestServers.hdfs().configuration());
    }

    @AfterAll
    static void closeReader() throws IOException {
        reader.close();
    }

    @BeforeEach
    void baseDirectory(TestInfo test) {
        base = "/test/" + getClass().getSimpleName() + "/" + test.getTestMethod().orElseThrow().getName() + "-"
                + DIRS.incrementAndGet();
    }

    /** An hdfs endpoint URI under this test's base directory (sub may be ""). */
    protected String hdfs(String sub, String options) {
        return TestServers.hdfs().uri() + base + sub + (options.isEmpty() ? "" : "?" + options);
    }

    protected Producer startedProducer(String uri) throws Exception {
        Producer producer = context.getEndpoint(uri).createProducer();
        ServiceHelper.startService(producer);
        return producer;
    }

    /** The names of the files in a directory (not recursive), sorted. */
    protected static List<String> names(String dir) throws IOException {
        List<String> names = new ArrayList<>();
        if (!reader.exists(new Path(dir))) {
            return names;
        }
        for (FileStatus status : reader.listStatus(new Path(dir))) {
            names.add(status.getPath().getName());
        }
        names.sort(String::compareTo);
        return names;
    }

    /** The paths (without scheme) of all files under a directory, sorted. */
    protected static List<String> filesUnder(String dir) throws IOException {
        List<String> files = new ArrayList<>();
        RemoteIterator<LocatedFileStatus> it = reader.listFiles(new Path(dir), true);
        while (it.hasNext()) {
            files.add(it.next().getPath().toUri().getPath());
        }
        files.sort(String::compareTo);
        return files;
    }

    /** A file's content as UTF-8, decompressed when its extension names a codec. */
    protected static String read(String path) throws IOException {
        CompressionCodec codec = new CompressionCodecFactory(reader.getConf()).getCodec(new Path(path));
        try (InputStream raw = reader.open(new Path(path));
             InputStream in = codec == null ? raw : codec.createInputStream(raw)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
