package io.dataflux.archive.iceberg;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.dataflux.archive.PostRecords;
import io.dataflux.component.redis.RedisEntry;
import io.dataflux.deadletter.DeadLetterPayload;
import io.dataflux.enrich.EnrichedPost;
import io.dataflux.ExchangeProperties;
import org.apache.avro.generic.GenericRecord;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.hadoop.HadoopCatalog;
import org.apache.iceberg.types.Types;

/**
 * The archive-write route's table step: commits the aggregate in the body to the Iceberg table, exactly once
 * ({@link TableAppender}), before the route acknowledges its entries. Does nothing unless
 * {@code dataflux.iceberg.enabled}. The aggregate's posts are its enriched posts (the exchange property
 * {@link ExchangeProperties#ARCHIVE_POSTS}, or the body), or else its JSON lines (the body, byte[] each), whose records then
 * have no version key and are identified by the SHA-256 of their JSON.
 * <p>
 * The table is opened on the first aggregate (and again after a failure to open it): HDFS being down at start-up is
 * an outage to wait out, like any other write.
 */
public final class IcebergArchive extends ServiceSupport implements Processor, CamelContextAware {


    private static final Pattern STREAM_ENTRY_ID = Pattern.compile("(\\d+)-\\d+");

    private CamelContext camelContext;
    private IcebergSettings settings;
    private HadoopCatalog catalog;
    private TableAppender appender;
    private Table table;

    @Override
    public void process(Exchange exchange) throws Exception {
        if (!settings().enabled()) {
            return;
        }
        List<?> posts = exchange.getProperty(ExchangeProperties.ARCHIVE_POSTS, List.class);
        if (posts == null) {
            posts = exchange.getIn().getBody(List.class);
        }
        if (posts == null || posts.isEmpty()) {
            return;
        }
        Instant ingestedAt = exchange.getProperty(ExchangeProperties.ICEBERG_INGESTED_AT, Instant.class);
        if (ingestedAt == null) {
            ingestedAt = Instant.now();
            exchange.setProperty(ExchangeProperties.ICEBERG_INGESTED_AT, ingestedAt);
        }
        TableAppender tableAppender = appender();
        Types.StructType struct = table.schema().asStruct();
        List<TableAppender.ArchivedRecord> records = new ArrayList<>(posts.size());
        for (Object post : posts) {
            records.add(archived(post, ingestedAt, struct));
        }
        tableAppender.append(records, redeliveredSince(exchange));
    }

    static TableAppender.ArchivedRecord archived(Object post, Instant ingestedAt, Types.StructType struct) {
        if (post instanceof EnrichedPost enriched) {
            GenericRecord avro = PostRecords.of(enriched, ingestedAt);
            return new TableAppender.ArchivedRecord(IcebergRecords.of(avro, struct),
                    avro.get(PostTable.VERSION_KEY).toString());
        }
        if (post instanceof byte[] json) {
            return new TableAppender.ArchivedRecord(IcebergRecords.of(PostRecords.ofJson(json, ingestedAt), struct),
                    DeadLetterPayload.sha256(json));
        }
        throw new IllegalArgumentException("the archive's table step takes enriched posts or their JSON, not "
                + (post == null ? "null" : post.getClass().getName()));
    }

    /**
     * Null when no entry of the aggregate was delivered before; else when the earliest redelivered one entered Redis:
     * a stream entry id starts with that time in milliseconds, a list item does not tell ({@link Instant#EPOCH}).
     */
    private static Instant redeliveredSince(Exchange exchange) {
        List<?> entries = exchange.getProperty(ExchangeProperties.ARCHIVE_ENTRIES, List.class);
        Instant since = null;
        if (entries != null) {
            for (Object entry : entries) {
                if (entry instanceof RedisEntry redisEntry && redisEntry.getDeliveryCount() > 1) {
                    Instant added = addedAt(redisEntry.getId());
                    since = since == null || added.isBefore(since) ? added : since;
                }
            }
        }
        return since;
    }

    private static Instant addedAt(String streamEntryId) {
        Matcher id = streamEntryId == null ? null : STREAM_ENTRY_ID.matcher(streamEntryId);
        return id != null && id.matches() ? Instant.ofEpochMilli(Long.parseLong(id.group(1))) : Instant.EPOCH;
    }

    private synchronized TableAppender appender() {
        if (appender == null) {
            catalog = PostTable.catalog(settings.warehouse());
            table = PostTable.open(catalog, settings);
            appender = new TableAppender(table, settings.snapshotRetention());
        }
        return appender;
    }

    /** The table loaded anew (created if need be): the maintenance job's own, apart from the appender's. */
    synchronized Table loadTable() {
        appender();
        return catalog.loadTable(TableIdentifier.parse(settings.table()));
    }

    synchronized IcebergSettings settings() {
        if (settings == null) {
            settings = IcebergSettings.of(camelContext);
        }
        return settings;
    }

    @Override
    protected synchronized void doStop() throws IOException {
        if (catalog != null) {
            catalog.close();
            catalog = null;
            appender = null;
            table = null;
        }
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }
}
