package io.dataflux.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import io.dataflux.sample.ForumPostGenerator.GeneratedRecord;
import io.dataflux.enrich.PostCleaner;
import io.dataflux.enrich.PostDeriver;
import io.dataflux.enrich.PostParser;
import io.dataflux.enrich.PostValidator;
import io.dataflux.enrich.RejectReason;
import io.dataflux.enrich.RejectedRecordException;
import org.junit.jupiter.api.Test;

/** The generated data is reproducible, and the enrichers treat every record as its label says. */
class ForumPostGeneratorTest {

    private static final int MAX_BYTES = 65536;

    @Test
    void sameSeedSameRecords() {
        ForumPostGenerator first = new ForumPostGenerator(7, 0.02, MAX_BYTES, 700);
        ForumPostGenerator second = new ForumPostGenerator(7, 0.02, MAX_BYTES, 700);
        for (int i = 0; i < 500; i++) {
            assertThat(first.next().payload()).isEqualTo(second.next().payload());
        }
    }

    @Test
    void everyRecordIsTreatedAsLabelledAndEveryBadKindOccurs() {
        ForumPostGenerator generator = new ForumPostGenerator(42, 0.05, MAX_BYTES, 700);
        PostParser parser = new PostParser();
        Map<RejectReason, Integer> rejected = new EnumMap<>(RejectReason.class);
        List<Integer> goodSizes = new ArrayList<>();
        int edits = 0;
        java.util.Set<String> ids = new java.util.HashSet<>();

        for (int i = 0; i < 4000; i++) {
            GeneratedRecord record = generator.next();
            RejectedRecordException rejection = catchThrowableOfType(RejectedRecordException.class, () -> {
                Map<String, Object> post = parser.parse(record.payload());
                new PostCleaner().clean(post);
                new PostDeriver().derive(post);
                new PostValidator().validate(post);
            });
            if (record.isGood()) {
                assertThat(rejection).as("record %d is good: %s", i, new String(record.payload())).isNull();
                goodSizes.add(record.payload().length);
                if (!ids.add(record.postId())) {
                    edits++;
                }
            } else {
                assertThat(rejection).as("record %d must be refused as %s", i, record.expectedRejection()).isNotNull();
                assertThat(rejection.reason()).isEqualTo(record.expectedRejection());
                rejected.merge(rejection.reason(), 1, Integer::sum);
            }
        }

        assertThat(rejected.keySet()).containsExactlyInAnyOrder(RejectReason.MALFORMED_JSON, RejectReason.INVALID_UTF8,
                RejectReason.MISSING_FIELD, RejectReason.TOO_LARGE, RejectReason.WRONG_TYPE);
        assertThat(rejected.values().stream().mapToInt(Integer::intValue).sum()).isBetween(120, 280);
        assertThat(goodSizes.stream().mapToInt(Integer::intValue).average().orElse(0)).isBetween(800.0, 1300.0);
        assertThat(edits).as("some posts are edited (same id again)").isPositive();
        assertThat(generator.authors()).hasSize(200);
    }
}
