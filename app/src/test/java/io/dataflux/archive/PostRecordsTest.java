package io.dataflux.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.dataflux.enrich.EnrichedPost;
import io.dataflux.ingest.SourceRecord;
import io.dataflux.sink.mysql.PostRows;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

class PostRecordsTest {

    static final String UNICODE = "家族 👨‍👩‍👧‍👦 שלום עולם مرحبا 🏳️‍🌈";

    static Map<String, Object> post() {
        Map<String, Object> author = new LinkedHashMap<>();
        author.put("author_id", "a-1");
        author.put("display_name", "Zoë 🧑‍💻");
        author.put("reputation", 42L);
        author.put("location", null);
        author.put("joined_at", "2020-01-02T03:04:05.678Z");
        Map<String, Object> post = new LinkedHashMap<>();
        post.put("id", "p-1");
        post.put("thread_id", "t-1");
        post.put("author_id", "a-1");
        post.put("title", "hello");
        post.put("body", UNICODE);
        post.put("url", null);
        post.put("created_at", "2026-11-24T11:30:00.123456+01:00");
        post.put("lang", "he");
        post.put("score", 7);
        post.put("hashtags", List.of("家族", "rtl"));
        post.put("mentions", List.of());
        post.put("links", List.of("https://example.org/ש"));
        post.put("word_count", 6);
        post.put("content_hash", "ab".repeat(32));
        post.put("author", author);
        return post;
    }

    @Test
    void anEnrichedPostBecomesARecordOfTheArchiveSchemaWithMySqlsExtraAndVersionKey() throws IOException {
        byte[] payload = "{\"id\":\"p-1\"}".getBytes(StandardCharsets.UTF_8);
        EnrichedPost enriched = new EnrichedPost(new SourceRecord("17-3", payload), post());
        Instant now = Instant.parse("2026-12-01T08:00:00.5Z");

        GenericRecord record = roundTrip(PostRecords.of(enriched, now));

        assertThat(record.get("id")).hasToString("p-1");
        assertThat(record.get("body")).hasToString(UNICODE);
        assertThat(record.get("url")).isNull();
        assertThat(record.get("created_at")).as("UTC microseconds")
                .isEqualTo(Instant.parse("2026-11-24T10:30:00.123456Z").getEpochSecond() * 1_000_000 + 123_456);
        assertThat(record.get("hashtags").toString()).isEqualTo("[家族, rtl]");
        assertThat((List<?>) record.get("mentions")).isEmpty();
        assertThat(record.get("word_count")).isEqualTo(6);
        GenericRecord author = (GenericRecord) record.get("author");
        assertThat(author.get("display_name")).hasToString("Zoë 🧑‍💻");
        assertThat(author.get("reputation")).isEqualTo(42L);
        assertThat(author.get("joined_at")).isEqualTo(Instant.parse("2020-01-02T03:04:05.678Z").toEpochMilli() * 1000);
        Map<String, Object> row = PostRows.toRow(enriched);
        assertThat(record.get("extra")).hasToString((String) row.get("extra")).hasToString("{\"lang\":\"he\",\"score\":7}");
        assertThat(record.get("source_id")).hasToString("17-3");
        assertThat(record.get("version_key")).hasToString((String) row.get("version_key"));
        assertThat(record.get("ingested_at")).isEqualTo(now.toEpochMilli() * 1000);
    }

    @Test
    void aPostKnownByItsJsonOnlyHasTheSameColumnsAndNoSource() throws IOException {
        EnrichedPost enriched = new EnrichedPost(new SourceRecord("17-3", new byte[0]), post());
        Instant now = Instant.now();
        GenericRecord full = PostRecords.of(enriched, now);

        GenericRecord fromJson = roundTrip(PostRecords.ofJson(enriched.json().bytes(), now));

        for (String column : List.of("id", "thread_id", "title", "body", "created_at", "hashtags", "links", "word_count",
                "content_hash", "extra", "ingested_at")) {
            assertThat(String.valueOf(fromJson.get(column))).as(column).isEqualTo(String.valueOf(full.get(column)));
        }
        assertThat(fromJson.get("author").toString()).isEqualTo(full.get("author").toString());
        assertThat(fromJson.get("source_id")).isNull();
        assertThat(fromJson.get("version_key")).isNull();
    }

    @Test
    void aPostWithoutAuthorTimestampOrListsIsValid() throws IOException {
        Map<String, Object> bare = new LinkedHashMap<>();
        bare.put("id", "p-2");
        bare.put("word_count", 0);
        bare.put("content_hash", "00");
        bare.put("author", null);

        GenericRecord record = roundTrip(PostRecords.of(new EnrichedPost(new SourceRecord(null, new byte[0]), bare),
                Instant.EPOCH));

        assertThat(record.get("author")).isNull();
        assertThat(record.get("created_at")).isNull();
        assertThat((List<?>) record.get("links")).isEmpty();
        assertThat(record.get("extra")).isNull();
    }

    /** Written and read with the schema: a value of the wrong type fails here. */
    private static GenericRecord roundTrip(GenericRecord record) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new GenericDatumWriter<GenericRecord>(PostRecords.SCHEMA).write(record, encoder);
        encoder.flush();
        return new GenericDatumReader<GenericRecord>(PostRecords.SCHEMA)
                .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
    }
}
