package io.dataflux.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The fast path must accept, refuse and mean exactly what {@link OffsetDateTime#parse} does. */
class TimestampsTest {

    @Test
    void meansWhatTheJdkParserMeansOnCommonAndOddForms() {
        List<String> texts = new ArrayList<>(List.of(
                "2026-11-24T10:15:30Z", "2026-11-24T10:15:30.1Z", "2026-11-24T10:15:30.123456789Z",
                "2026-11-24T10:15:30.000+00:00", "2026-11-24T10:15:30-00:00", "2026-11-24T23:59:59.999+14:00",
                "2026-11-24T00:00:00-18:00", "1000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z",
                "0000-01-01T00:00:00Z", "2024-02-29T12:00:00+05:30", "2026-11-24T10:15Z", "2026-11-24t10:15:30z",
                "2026-11-24T10:15:30+01:00:30", "+12026-11-24T10:15:30Z", "2026-11-24T10:15:30+0100",
                "2026-11-24T10:15:30.Z"));
        Random random = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            texts.add(String.format("%04d-%02d-%02dT%02d:%02d:%02d%s%s", random.nextInt(10_000), random.nextInt(14),
                    random.nextInt(33), random.nextInt(26), random.nextInt(61), random.nextInt(62),
                    random.nextBoolean() ? "" : "." + "123456789".substring(0, 1 + random.nextInt(9)),
                    random.nextBoolean() ? "Z"
                            : String.format("%s%02d:%02d", random.nextBoolean() ? "+" : "-", random.nextInt(20),
                                    random.nextInt(62))));
        }
        int accepted = 0;
        for (String text : texts) {
            OffsetDateTime expected;
            try {
                expected = OffsetDateTime.parse(text);
            } catch (DateTimeParseException refused) {
                assertThatThrownBy(() -> Timestamps.parse(text)).as(text).isInstanceOf(DateTimeParseException.class);
                continue;
            }
            OffsetDateTime parsed = Timestamps.parse(text);
            assertThat(parsed).as(text).isEqualTo(expected);
            assertThat(parsed.getOffset()).as(text).isEqualTo(expected.getOffset());
            accepted++;
        }
        assertThat(accepted).as("both accepted and refused forms were compared").isBetween(1_000, texts.size() - 1_000);
    }

    @Test
    void refusesWhatTheJdkRefuses() {
        for (String text : List.of("", "2026-11-24", "2026-02-30T10:15:30Z", "2026-11-24T24:00:00Z",
                "2026-11-24T10:15:30.1234567890Z", "2026-11-24T10:15:30+19:00",
                "2026-11-24T10:15:30", "2026-11-24 10:15:30Z", "２０２６-11-24T10:15:30Z", "2026-11-24T10:15:30Z ")) {
            assertThatThrownBy(() -> Timestamps.parse(text)).as(text).isInstanceOf(DateTimeParseException.class);
        }
    }
}
