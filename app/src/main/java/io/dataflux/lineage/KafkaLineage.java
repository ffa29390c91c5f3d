package io.dataflux.lineage;

import java.util.ArrayList;
import java.util.List;

import io.dataflux.enrich.PostFields;
import io.dataflux.enrich.EnrichedBatch;
import io.dataflux.enrich.EnrichedPost;
import io.dataflux.ExchangeProperties;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After the Kafka publish of a batch: one lineage_kafka row per post, from the record metadata camel-kafka put on each
 * record's message (partition, offset), in one insert. The records are the batch's posts in order (KafkaRecords).
 * A failure is logged and counted, never thrown: the posts are delivered, and lineage is a record of that, not a sink.
 */
public final class KafkaLineage implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaLineage.class);

    private LineageStore store;

    @Override
    public void process(Exchange exchange) {
        List<LineageStore.KafkaRow> rows = List.of();
        try {
            rows = rows(exchange);
            store.insertKafka(rows);
            LineageMetrics.recorded(exchange.getContext(), "kafka", rows.size());
        } catch (Exception e) {
            LineageMetrics.failed(exchange.getContext(), "kafka", rows.size());
            LOG.warn("lineage: the Kafka locations of a batch were not recorded ({}); its posts are delivered all the"
                    + " same", e.toString());
        }
    }

    /** The batch's posts paired by position with the records sent for them. */
    static List<LineageStore.KafkaRow> rows(Exchange exchange) {
        EnrichedBatch batch = exchange.getProperty(ExchangeProperties.BATCH, EnrichedBatch.class);
        List<?> records = exchange.getIn().getBody(List.class);
        if (batch == null || records == null) {
            throw new IllegalStateException("no batch or no sent records on the exchange");
        }
        List<EnrichedPost> posts = batch.posts();
        if (posts.size() != records.size()) {
            throw new IllegalStateException(records.size() + " records sent for " + posts.size() + " posts");
        }
        List<LineageStore.KafkaRow> rows = new ArrayList<>(posts.size());
        for (int i = 0; i < posts.size(); i++) {
            EnrichedPost post = posts.get(i);
            Message record = (Message) records.get(i);
            @SuppressWarnings("unchecked")
            List<RecordMetadata> sent = record.getHeader(KafkaConstants.KAFKA_RECORD_META, List.class);
            if (sent == null || sent.isEmpty() || sent.get(0) == null || !sent.get(0).hasOffset()) {
                throw new IllegalStateException("no record metadata for post " + post.post().get(PostFields.ID)
                        + " (camel.component.kafka.record-metadata must be true)");
            }
            RecordMetadata metadata = sent.get(0);
            String versionKey = post.versionKey(); // computed once, for MySQL's row
            rows.add(new LineageStore.KafkaRow((String) post.post().get(PostFields.ID), versionKey, post.sourceId(),
                    LineageKeys.of(post.sourceId(), versionKey), metadata.topic(), metadata.partition(),
                    metadata.offset()));
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
