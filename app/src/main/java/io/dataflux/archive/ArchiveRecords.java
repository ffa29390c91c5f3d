package io.dataflux.archive;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import io.dataflux.enrich.EnrichedPost;
import io.dataflux.ExchangeProperties;
import org.apache.avro.generic.GenericRecord;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Processor;

/**
 * The archive's Avro and Parquet formats take Avro records ({@code schema/post.avsc}): turns an aggregate's posts into
 * them, all stamped with the same {@code ingested_at}. The posts are the aggregate's enriched posts
 * ({@link ExchangeProperties#ARCHIVE_POSTS}) when present, else the body: JSON lines (UTF-8 bytes: no source id or
 * version key then), enriched posts or Avro records.
 */
public final class ArchiveRecords implements Processor {

    @Override
    public void process(Exchange exchange) throws Exception {
        // the aggregate's enriched posts when it kept them (they carry the source id and version key), else the body
        Object body = exchange.getProperty(ExchangeProperties.ARCHIVE_POSTS, exchange.getMessage().getBody(), Object.class);
        Collection<?> posts = body instanceof Collection<?> collection ? collection : List.of(body);
        Instant ingestedAt = Instant.now();
        List<GenericRecord> records = new ArrayList<>(posts.size());
        for (Object post : posts) {
            if (post instanceof byte[] json) {
                records.add(PostRecords.ofJson(json, ingestedAt));
            } else if (post instanceof EnrichedPost enriched) {
                records.add(PostRecords.of(enriched, ingestedAt));
            } else if (post instanceof GenericRecord record) {
                records.add(record);
            } else {
                throw new InvalidPayloadException(exchange, GenericRecord.class, exchange.getMessage(),
                        new IllegalArgumentException("an archived post is a JSON line, an EnrichedPost or an Avro record, not "
                                + (post == null ? "null" : post.getClass().getName())));
            }
        }
        exchange.getMessage().setBody(records);
    }
}
