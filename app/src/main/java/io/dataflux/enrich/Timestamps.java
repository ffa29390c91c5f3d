package io.dataflux.enrich;

import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * {@code created_at} and the profile's {@code joined_at} are parsed several times per post (validation, the version
 * key, the MySQL row, the Avro record). {@link OffsetDateTime#parse} costs microseconds each time; the form nearly
 * every system writes, {@code 2026-11-24T10:15:30[.fraction](Z|+hh:mm)}, is read here directly and anything else goes
 * to the JDK's parser, so what is accepted and what it means are exactly {@link OffsetDateTime#parse}'s.
 */
public final class Timestamps {

    private Timestamps() {
    }

    /** The same result (or exception) as {@link OffsetDateTime#parse(CharSequence)}. */
    public static OffsetDateTime parse(String text) throws DateTimeParseException {
        OffsetDateTime fast = common(text);
        return fast != null ? fast : OffsetDateTime.parse(text);
    }

    /** {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]} then {@code Z} or {@code ±HH:MM}; null for any other form or value. */
    private static OffsetDateTime common(String s) {
        int n = s.length();
        if (n < 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':'
                || s.charAt(16) != ':') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        if ((year | month | day | hour | minute | second) < 0) {
            return null;
        }
        int i = 19;
        int nano = 0;
        if (s.charAt(i) == '.') {
            int start = ++i;
            while (i < n && i - start < 9 && isDigit(s.charAt(i))) {
                nano = nano * 10 + (s.charAt(i) - '0');
                i++;
            }
            int count = i - start;
            if (count == 0 || (i < n && isDigit(s.charAt(i)))) {
                return null;
            }
            for (int k = count; k < 9; k++) {
                nano *= 10;
            }
        }
        ZoneOffset offset;
        if (i == n - 1 && s.charAt(i) == 'Z') {
            offset = ZoneOffset.UTC;
        } else if (i == n - 6 && (s.charAt(i) == '+' || s.charAt(i) == '-') && s.charAt(i + 3) == ':') {
            int offsetHours = digits(s, i + 1, 2);
            int offsetMinutes = digits(s, i + 4, 2);
            if ((offsetHours | offsetMinutes) < 0 || offsetMinutes > 59) {
                return null;
            }
            int sign = s.charAt(i) == '-' ? -1 : 1;
            try {
                offset = ZoneOffset.ofHoursMinutes(sign * offsetHours, sign * offsetMinutes);
            } catch (DateTimeException outOfRange) {
                return null;
            }
        } else {
            return null;
        }
        try {
            return OffsetDateTime.of(year, month, day, hour, minute, second, nano, offset);
        } catch (DateTimeException invalid) {
            return null; // e.g. 02-30 or 24:00: the JDK's parser says why
        }
    }

    private static int digits(String s, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (!isDigit(c)) {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
