package io.dataflux.enrich;

import io.dataflux.ExchangeProperties;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflux.enrich.RecordUnpacker;
import io.dataflux.ingest.SourceRecord;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Processor;

/**
 * The enriched post must fit in one Kafka request (the producer's max.request.size, with room for the key, the
 * headers, the batch's framing and the author's profile, which the batch lookup adds after this check): else Kafka
 * alone would refuse it, after MySQL had stored it. Serializing a post costs as much as the rest of the enrichment,
 * so it is only done for a record whose raw size does not already prove it fits.
 */
public final class PostSizeLimit implements Processor {

    /** Room for the record's key, headers, the request's framing and the author's profile (added afterwards). */
    static final int OVERHEAD = 16384;
    /**
     * The enriched JSON of a post is at most this many times its raw record: text is cleaned (never longer), escaping
     * at most doubles it, and the derived fields (hashtags, mentions, links) repeat parts of it once.
     */
    static final int EXPANSION = 4;
    private static final ObjectMapper JSON = new ObjectMapper();

    private int kafkaMaxRequestSize = 1_048_576;

    @Override
    public void process(Exchange exchange) throws InvalidPayloadException, JsonProcessingException {
        @SuppressWarnings("unchecked")
        Map<String, Object> post = exchange.getIn().getMandatoryBody(Map.class);
        SourceRecord record = exchange.getProperty(ExchangeProperties.RECORD, SourceRecord.class);
        if (record != null && (long) record.payload().length * EXPANSION + OVERHEAD <= kafkaMaxRequestSize) {
            return; // cannot be too large
        }
        check(post);
    }

    public void check(Map<String, Object> post) throws JsonProcessingException {
        int bytes = JSON.writeValueAsBytes(post).length
                + String.valueOf(post.get(PostFields.ID)).getBytes(StandardCharsets.UTF_8).length;
        if (bytes + OVERHEAD > kafkaMaxRequestSize) {
            throw new RejectedRecordException(RejectReason.TOO_LARGE, null, "the enriched post is " + bytes
                    + " bytes of JSON, more than one Kafka request takes (max.request.size " + kafkaMaxRequestSize
                    + " less " + OVERHEAD + " for key, headers and framing)");
        }
    }

    public void setKafkaMaxRequestSize(int kafkaMaxRequestSize) {
        this.kafkaMaxRequestSize = kafkaMaxRequestSize;
    }
}
