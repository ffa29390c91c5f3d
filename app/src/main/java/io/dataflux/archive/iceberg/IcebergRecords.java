package io.dataflux.archive.iceberg;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.apache.avro.generic.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * An archived post's Avro record ({@code PostRecords}) as an Iceberg generic record of the table's schema, field by
 * field by name: the Avro record is the one definition of what is archived, this only changes representations
 * (timestamps from microseconds to {@link OffsetDateTime}, Avro's text to {@link String}).
 */
final class IcebergRecords {

    private IcebergRecords() {
    }

    static Record of(GenericRecord avro, Types.StructType struct) {
        Record record = org.apache.iceberg.data.GenericRecord.create(struct);
        for (Types.NestedField field : struct.fields()) {
            Object value = avro.hasField(field.name()) ? avro.get(field.name()) : null;
            record.setField(field.name(), value(value, field.type()));
        }
        return record;
    }

    private static Object value(Object value, Type type) {
        if (value == null) {
            return null;
        }
        return switch (type.typeId()) {
            case STRING -> value.toString();
            case TIMESTAMP -> timestamp((Long) value, ((Types.TimestampType) type).shouldAdjustToUTC());
            case STRUCT -> of((GenericRecord) value, type.asStructType());
            case LIST -> {
                List<Object> items = new ArrayList<>();
                for (Object item : (Collection<?>) value) {
                    items.add(value(item, type.asListType().elementType()));
                }
                yield items;
            }
            case INTEGER -> ((Number) value).intValue();
            case LONG -> ((Number) value).longValue();
            default -> value;
        };
    }

    private static Object timestamp(long micros, boolean utc) {
        OffsetDateTime time = Instant.EPOCH.plus(micros, ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
        return utc ? time : time.toLocalDateTime();
    }
}
