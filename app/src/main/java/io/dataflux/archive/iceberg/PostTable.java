package io.dataflux.archive.iceberg;

import java.util.Map;

import io.dataflux.archive.PostRecords;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.avro.AvroSchemaUtil;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.hadoop.HadoopCatalog;
import org.apache.iceberg.types.TypeUtil;

/**
 * The archive's Iceberg table, in a Hadoop catalog on the archive's HDFS (no catalog server): its schema is the
 * archived post's Avro schema ({@code schema/post.avsc}) converted, so the record has one definition; it is
 * partitioned by the day of ingestion ({@code ingested_at}).
 * <p>
 * A Hadoop catalog commits a new table version by writing {@code v<N+1>.metadata.json} under a temporary name and
 * renaming it: HDFS's rename fails when the target exists, atomically, on the NameNode, so of two replicas committing
 * the same version one wins and the other retries on the new state (up to {@code commit.retry.num-retries}).
 */
public final class PostTable {

    /** The column the table is partitioned by, one partition a day. */
    public static final String INGESTED_AT = "ingested_at";
    public static final String VERSION_KEY = "version_key";

    private PostTable() {
    }

    /** The Iceberg schema of an archived post, derived from the Avro schema. */
    public static Schema schema() {
        return AvroSchemaUtil.toIceberg(PostRecords.SCHEMA);
    }

    /** Opens the catalog of the warehouse (a full URI, e.g. hdfs://namenode:8020/dataflux/warehouse). */
    public static HadoopCatalog catalog(String warehouse) {
        Configuration conf = new Configuration();
        HadoopCatalog catalog = new HadoopCatalog();
        catalog.setConf(conf);
        catalog.initialize("dataflux", Map.of("warehouse", warehouse));
        return catalog;
    }

    /**
     * Loads the table, creating it on first use; a table made by an older schema gains the columns added since
     * (a union by name: nothing is dropped or retyped, old files read the new columns as null).
     */
    public static Table open(HadoopCatalog catalog, IcebergSettings settings) {
        TableIdentifier id = TableIdentifier.parse(settings.table());
        Schema schema = schema();
        if (!catalog.tableExists(id)) {
            try {
                ensureNamespace(catalog, id.namespace());
                return catalog.buildTable(id, schema)
                        .withPartitionSpec(PartitionSpec.builderFor(schema).day(INGESTED_AT).build())
                        .withProperties(Map.of(
                                TableProperties.DEFAULT_FILE_FORMAT, "parquet",
                                TableProperties.PARQUET_COMPRESSION, "zstd",
                                TableProperties.COMMIT_NUM_RETRIES, String.valueOf(settings.commitRetries()),
                                // old metadata files go with their versions instead of piling up
                                TableProperties.METADATA_DELETE_AFTER_COMMIT_ENABLED, "true",
                                TableProperties.METADATA_PREVIOUS_VERSIONS_MAX, "100"))
                        .create();
            } catch (AlreadyExistsException createdByAnotherReplica) {
                // fall through to load it
            }
        }
        Table table = catalog.loadTable(id);
        if (!TypeUtil.indexByName(table.schema().asStruct()).keySet()
                .containsAll(TypeUtil.indexByName(schema.asStruct()).keySet())) {
            table.updateSchema().unionByNameWith(schema).commit();
        }
        return table;
    }

    private static void ensureNamespace(HadoopCatalog catalog, Namespace namespace) {
        if (!namespace.isEmpty() && !catalog.namespaceExists(namespace)) {
            try {
                catalog.createNamespace(namespace);
            } catch (AlreadyExistsException createdByAnotherReplica) {
                // someone else made it: fine
            }
        }
    }
}
