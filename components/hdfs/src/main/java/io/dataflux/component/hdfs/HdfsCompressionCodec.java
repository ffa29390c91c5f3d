package io.dataflux.component.hdfs;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.io.compress.BZip2Codec;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.DefaultCodec;
import org.apache.hadoop.io.compress.GzipCodec;
import org.apache.hadoop.io.compress.Lz4Codec;
import org.apache.hadoop.io.compress.SnappyCodec;
import org.apache.hadoop.io.compress.ZStandardCodec;
import org.apache.hadoop.util.ReflectionUtils;

/** The Hadoop compression codecs a file can be written with; the codec's extension is added to the file name. */
public enum HdfsCompressionCodec {
    NONE(null),
    /** Zlib (deflate) streams, extension .deflate; the name camel-hdfs used for it. */
    DEFAULT(DefaultCodec.class),
    DEFLATE(DefaultCodec.class),
    GZIP(GzipCodec.class),
    BZIP2(BZip2Codec.class),
    SNAPPY(SnappyCodec.class),
    LZ4(Lz4Codec.class),
    ZSTANDARD(ZStandardCodec.class);

    private final Class<? extends CompressionCodec> codecClass;

    HdfsCompressionCodec(Class<? extends CompressionCodec> codecClass) {
        this.codecClass = codecClass;
    }

    /** The configured codec, or null for {@link #NONE}. */
    public CompressionCodec create(Configuration conf) {
        return codecClass == null ? null : ReflectionUtils.newInstance(codecClass, conf);
    }
}
