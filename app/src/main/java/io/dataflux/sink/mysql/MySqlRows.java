package io.dataflux.sink.mysql;

import io.dataflux.ExchangeProperties;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.dataflux.enrich.PostFields;
import io.dataflux.enrich.EnrichedBatch;
import io.dataflux.enrich.EnrichedPost;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Processor;

/**
 * Prepares a batch for the MySQL upsert: of the versions of a post inside the batch, the one with the greatest
 * {@link PostVersion} key is kept whole (the upsert's own rule, so MySQL never sees the same key twice in one
 * statement and one batch gives the row many batches would), and the body becomes the rows in key order. Every
 * version is kept in a property, in key order, for the row-by-row retry when MySQL refuses the batch; an empty set
 * collects the source ids of the posts MySQL refused there.
 */
public final class MySqlRows implements Processor {


    @Override
    public void process(Exchange exchange) throws InvalidPayloadException {
        EnrichedBatch batch = exchange.getIn().getMandatoryBody(EnrichedBatch.class);
        List<Map<String, Object>> rows = new ArrayList<>();
        List<Version> versions = new ArrayList<>();
        for (EnrichedPost post : batch.posts()) {
            Map<String, Object> row = PostRows.toRow(post);
            versions.add(new Version(post, row));
        }
        versions.sort(Comparator.comparing((Version version) -> (String) version.row().get(PostFields.ID))
                .thenComparing(version -> (String) version.row().get("version_key")));
        newestOfEachPost(versions).forEach(version -> rows.add(version.row()));
        exchange.setProperty(ExchangeProperties.MYSQL_VERSIONS, versions.stream().map(Version::post).toList());
        exchange.setProperty(ExchangeProperties.MYSQL_REFUSED, ConcurrentHashMap.newKeySet());
        exchange.setProperty(ExchangeProperties.MYSQL_BATCH, batch);
        exchange.getIn().setBody(rows);
    }

    /** A post and its row. */
    record Version(EnrichedPost post, Map<String, Object> row) {
    }

    /**
     * The greatest version of each post id, in id order: in key order, parallel batches that share posts (edits)
     * lock their rows in the same order, so InnoDB does not deadlock them against each other.
     */
    static List<Version> newestOfEachPost(List<Version> sortedVersions) {
        Map<String, Version> newest = new LinkedHashMap<>();
        for (Version version : sortedVersions) {
            newest.put((String) version.row().get(PostFields.ID), version); // sorted: the last is the greatest
        }
        return new ArrayList<>(newest.values());
    }

    /** For the tests: the versions of a batch merged by the rule. */
    static List<EnrichedPost> mergeByKey(List<EnrichedPost> posts) {
        List<Version> versions = new ArrayList<>();
        for (EnrichedPost post : posts) {
            versions.add(new Version(post, PostRows.toRow(post)));
        }
        versions.sort(Comparator.comparing((Version version) -> (String) version.row().get(PostFields.ID))
                .thenComparing(version -> (String) version.row().get("version_key")));
        return newestOfEachPost(versions).stream().map(Version::post).toList();
    }

    /** The set the refused source ids go into. */
    @SuppressWarnings("unchecked")
    static Set<String> refused(Exchange exchange) {
        return exchange.getProperty(ExchangeProperties.MYSQL_REFUSED, Set.class);
    }
}
