package io.dataflux.ingest;

import io.dataflux.ExchangeProperties;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.dataflux.component.redis.RedisEntry;
import io.dataflux.ops.PipelineMetrics;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Processor;

/**
 * First step of the ingest route: the redis-source batch (a list of entries, acknowledged by the pipeline itself)
 * becomes a list of records, each with its payload field's bytes and its entry, which is acknowledged only after both
 * parts are done with it: the sinks ({@link SourceRecord#SINKS}) and the archive ({@link SourceRecord#ARCHIVE}); see
 * {@link Acknowledgements}.
 */
public final class IngestBatch implements Processor {


    private String payloadField = "value";

    @Override
    public void process(Exchange exchange) throws InvalidPayloadException {
        List<?> entries = exchange.getIn().getMandatoryBody(List.class);
        List<SourceRecord> records = new ArrayList<>(entries.size());
        for (Object item : entries) {
            RedisEntry entry = (RedisEntry) item;
            String payload = entry.getFields().get(payloadField);
            String sourceId = entry.getId() != null ? entry.getId() : entry.getKey() + "#" + records.size();
            entry.ackAfter(SourceRecord.SINKS, SourceRecord.ARCHIVE);
            records.add(new SourceRecord(sourceId,
                    payload == null ? new byte[0] : payload.getBytes(StandardCharsets.UTF_8), entry));
        }
        PipelineMetrics.of(exchange.getContext()).batchRead(records.size());
        if (!records.isEmpty()) {
            exchange.setProperty(ExchangeProperties.BATCH_ID, records.get(0).sourceId());
        }
        exchange.getIn().setBody(records);
    }

    public String getPayloadField() {
        return payloadField;
    }

    /** The entry field that holds the record (list mode: always {@code value}, the item itself). */
    public void setPayloadField(String payloadField) {
        this.payloadField = payloadField;
    }
}
