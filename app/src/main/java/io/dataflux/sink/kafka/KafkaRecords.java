package io.dataflux.sink.kafka;

import java.util.ArrayList;
import java.util.List;

import io.dataflux.enrich.PostFields;
import io.dataflux.enrich.EnrichedBatch;
import io.dataflux.enrich.EnrichedPost;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.DefaultMessage;

/**
 * Turns a batch into the list of messages camel-kafka sends in one go (each its own record): the value is the
 * enriched post as UTF-8 JSON, the bytes serialized once for every sink (sent with the ByteArraySerializer), the key its id (so all versions of a post land in one partition, in order), and headers
 * carry the Redis source id and the content hash for consumers that deduplicate.
 */
public final class KafkaRecords implements Processor {

    public static final String SOURCE_ID_HEADER = "dataflux-source-id";
    public static final String CONTENT_HASH_HEADER = "dataflux-content-hash";

    @Override
    public void process(Exchange exchange) throws InvalidPayloadException {
        EnrichedBatch batch = exchange.getIn().getMandatoryBody(EnrichedBatch.class);
        List<Message> records = new ArrayList<>(batch.posts().size());
        for (EnrichedPost post : batch.posts()) {
            Message record = new DefaultMessage(exchange);
            record.setBody(post.json().bytes());
            record.setHeader(KafkaConstants.KEY, post.post().get(PostFields.ID));
            record.setHeader(SOURCE_ID_HEADER, post.sourceId());
            record.setHeader(CONTENT_HASH_HEADER, post.post().get(PostFields.CONTENT_HASH));
            records.add(record);
        }
        exchange.getIn().setBody(records);
    }
}
