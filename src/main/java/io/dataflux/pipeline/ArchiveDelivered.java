package io.dataflux.pipeline;

import java.util.List;

import io.dataflux.component.redis.RedisEntry;
import io.dataflux.ops.PipelineMetrics;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * After an archive aggregate is hsync'd to HDFS: every entry in it has its archive part done, and those whose last part
 * this was (MySQL and Kafka already had them) are acknowledged, in one Redis command.
 */
public final class ArchiveDelivered implements Processor {

    @Override
    public void process(Exchange exchange) {
        List<RedisEntry> entries = entries(exchange);
        PipelineMetrics metrics = PipelineMetrics.of(exchange.getContext());
        metrics.delivered("hdfs", entries.size());
        metrics.acknowledged(RedisEntry.doneAll(entries, SourceRecord.ARCHIVE));
    }

    @SuppressWarnings("unchecked")
    static List<RedisEntry> entries(Exchange exchange) {
        List<RedisEntry> entries = exchange.getProperty(ArchiveAggregation.ENTRIES, List.class);
        return entries == null ? List.of() : entries;
    }
}
