package io.dataflux.enrich;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Processor;

/**
 * The enriched post, author included, must fit in one Kafka request (the producer's max.request.size, with room for
 * the key, the headers and the batch's framing): else Kafka alone would refuse it, after MySQL had stored it.
 */
public final class PostSizeLimit implements Processor {

    /** Room for the record's key, headers and the request's framing. */
    static final int OVERHEAD = 2048;
    private static final ObjectMapper JSON = new ObjectMapper();

    private int kafkaMaxRequestSize = 1_048_576;

    @Override
    public void process(Exchange exchange) throws InvalidPayloadException, JsonProcessingException {
        @SuppressWarnings("unchecked")
        Map<String, Object> post = exchange.getIn().getMandatoryBody(Map.class);
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
