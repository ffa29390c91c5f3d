package io.dataflux.component.hdfs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.IndexedRecord;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.avro.AvroWriteSupport;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;

/**
 * Writes a whole Avro or Parquet file of Avro records into an open stream, footer included, without closing the stream
 * (its owner syncs, closes and renames it). The compression is the format's own, inside the file.
 */
final class RecordFiles {

    private final FileFormat format;
    private final HdfsCompressionCodec codec;
    private final Configuration conf;
    private final long rowGroupSize;
    private final int pageSize;

    RecordFiles(HdfsConfiguration config, Configuration conf) {
        this.format = config.getFileFormat();
        this.codec = config.getCompressionCodec();
        this.conf = new Configuration(conf);
        // lists as the three-level LIST group (list/element) that Spark, Trino, Hive and Iceberg read alike
        this.conf.setBoolean(AvroWriteSupport.WRITE_OLD_LIST_STRUCTURE, false);
        this.rowGroupSize = config.getParquetRowGroupSize();
        this.pageSize = config.getParquetPageSize();
    }

    /** The body's records as Avro records of one schema, or an InvalidPayloadException naming the first that is not. */
    static List<IndexedRecord> avroRecords(Exchange exchange, List<Object> records) throws InvalidPayloadException {
        Schema schema = null;
        for (int i = 0; i < records.size(); i++) {
            Object record = records.get(i);
            if (!(record instanceof IndexedRecord avro)) {
                throw new InvalidPayloadException(exchange, IndexedRecord.class, exchange.getMessage(),
                        new IllegalArgumentException("hdfs: record " + i + " is a " + record.getClass().getName()
                                + ", not an Avro record (IndexedRecord): Avro and Parquet files take Avro records"));
            }
            if (schema == null) {
                schema = avro.getSchema();
            } else if (schema != avro.getSchema() && !schema.equals(avro.getSchema())) {
                throw new InvalidPayloadException(exchange, IndexedRecord.class, exchange.getMessage(),
                        new IllegalArgumentException("hdfs: record " + i + " has another schema than record 0 ("
                                + avro.getSchema().getFullName() + ", " + schema.getFullName() + "): one file has one schema"));
            }
        }
        @SuppressWarnings("unchecked")
        List<IndexedRecord> avroRecords = (List<IndexedRecord>) (List<?>) records;
        return avroRecords;
    }

    /** Writes the records as one complete file (at least one record: the schema is the first one's). */
    void write(List<IndexedRecord> records, FSDataOutputStream out, String name) throws IOException {
        Schema schema = records.get(0).getSchema();
        if (format == FileFormat.AVRO) {
            writeAvro(records, schema, new KeepOpenOutputStream(out));
        } else {
            writeParquet(records, schema, new StreamOutputFile(out, name));
        }
    }

    /** Checks at start-up that the codec exists for the format and works in this JVM (native libraries). */
    void check() {
        Schema probe = SchemaBuilder.record("Probe").fields().requiredString("text").endRecord();
        GenericData.Record record = new GenericData.Record(probe);
        record.put("text", "probe");
        try {
            if (format == FileFormat.AVRO) {
                writeAvro(List.of(record), probe, OutputStream.nullOutputStream());
            } else {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                writeParquet(List.of(record), probe, new StreamOutputFile(bytes, "probe"));
            }
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (Exception | LinkageError e) {
            throw HdfsOptions.unsupported("compressionCodec=" + codec + " cannot be used for " + format + " files in this JVM ("
                    + e + "): use SNAPPY, ZSTANDARD, GZIP or NONE");
        }
    }

    private void writeAvro(List<IndexedRecord> records, Schema schema, OutputStream out) throws IOException {
        try (DataFileWriter<IndexedRecord> writer = new DataFileWriter<>(new GenericDatumWriter<>(schema))) {
            writer.setCodec(avroCodec());
            writer.create(schema, out);
            for (IndexedRecord record : records) {
                writer.append(record);
            }
        }
    }

    private void writeParquet(List<IndexedRecord> records, Schema schema, OutputFile file) throws IOException {
        try (ParquetWriter<IndexedRecord> writer = AvroParquetWriter.<IndexedRecord>builder(file)
                .withSchema(schema)
                .withDataModel(GenericData.get())
                .withConf(conf)
                .withCompressionCodec(parquetCodec())
                .withRowGroupSize(rowGroupSize)
                .withPageSize(pageSize)
                .withDictionaryPageSize(pageSize)
                .withWriteMode(ParquetFileWriter.Mode.CREATE)
                .build()) {
            for (IndexedRecord record : records) {
                writer.write(record);
            }
        }
    }

    private CodecFactory avroCodec() {
        return switch (codec) {
            case NONE -> CodecFactory.nullCodec();
            case SNAPPY -> CodecFactory.snappyCodec();
            case ZSTANDARD -> CodecFactory.zstandardCodec(CodecFactory.DEFAULT_ZSTANDARD_LEVEL);
            case GZIP, DEFLATE, DEFAULT -> CodecFactory.deflateCodec(CodecFactory.DEFAULT_DEFLATE_LEVEL);
            case BZIP2 -> CodecFactory.bzip2Codec();
            case LZ4 -> throw HdfsOptions.unsupported("compressionCodec=LZ4 has no Avro codec: use SNAPPY, ZSTANDARD or GZIP");
        };
    }

    private CompressionCodecName parquetCodec() {
        return switch (codec) {
            case NONE -> CompressionCodecName.UNCOMPRESSED;
            case SNAPPY -> CompressionCodecName.SNAPPY;
            case ZSTANDARD -> CompressionCodecName.ZSTD;
            case GZIP -> CompressionCodecName.GZIP;
            case LZ4 -> CompressionCodecName.LZ4_RAW;
            case DEFLATE, DEFAULT, BZIP2 -> throw HdfsOptions.unsupported("compressionCodec=" + codec
                    + " has no Parquet codec: use SNAPPY, ZSTANDARD or GZIP");
        };
    }
}
