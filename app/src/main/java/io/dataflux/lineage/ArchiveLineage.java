package io.dataflux.lineage;

import java.util.ArrayList;
import java.util.List;

import io.dataflux.component.hdfs.HdfsConstants;
import io.dataflux.component.redis.RedisEntry;
import io.dataflux.ExchangeProperties;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After an archive aggregate is written: one lineage_archive row per line, in one insert. The aggregate's entries are
 * its lines in order, written from the line the hdfs component reports (CamelHdfsFirstRecordIndex) onwards. An
 * aggregate split over several files (partitionPerRecord) has no single first line: it is not recorded. A failure
 * is logged and counted, never thrown: the entries are already acknowledged.
 */
public final class ArchiveLineage implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(ArchiveLineage.class);

    private LineageStore store;

    @Override
    public void process(Exchange exchange) {
        List<LineageStore.ArchiveRow> rows = List.of();
        try {
            rows = rows(exchange);
            store.insertArchive(rows);
            LineageMetrics.recorded(exchange.getContext(), "archive", rows.size());
        } catch (Exception e) {
            LineageMetrics.failed(exchange.getContext(), "archive", rows.size());
            LOG.warn("lineage: the archive lines of an aggregate were not recorded ({}); its posts are archived all"
                    + " the same", e.toString());
        }
    }

    static List<LineageStore.ArchiveRow> rows(Exchange exchange) {
        @SuppressWarnings("unchecked")
        List<RedisEntry> entries = exchange.getProperty(ExchangeProperties.ARCHIVE_ENTRIES, List.class);
        Message message = exchange.getMessage();
        List<?> paths = message.getHeader(HdfsConstants.PATHS, List.class);
        Long first = message.getHeader(HdfsConstants.FIRST_RECORD_INDEX, Long.class);
        Long written = message.getHeader(HdfsConstants.RECORDS, Long.class);
        if (entries == null || paths == null || first == null || written == null) {
            throw new IllegalStateException("no entries or no hdfs headers on the aggregate");
        }
        if (paths.size() != 1) {
            throw new IllegalStateException("the aggregate went to " + paths.size() + " files");
        }
        if (written != entries.size()) {
            throw new IllegalStateException(written + " lines written for " + entries.size() + " entries");
        }
        String path = (String) paths.get(0);
        List<LineageStore.ArchiveRow> rows = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            rows.add(new LineageStore.ArchiveRow(LineageKeys.of(entries.get(i)), path, first + i));
        }
        return rows;
    }

    public LineageStore getStore() {
        return store;
    }

    public void setStore(LineageStore store) {
        this.store = store;
    }
}
