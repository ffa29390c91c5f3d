package io.dataflux.component.hdfs;

import java.util.ArrayList;
import java.util.List;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.util.ObjectHelper;

/**
 * Turns the partition option (simple language, levels separated by / outside ${}) or the CamelHdfsPartition header
 * into a relative directory. Each level is evaluated and sanitised on its own, so a value from a record can never add
 * a level or climb out of the base directory.
 */
final class PartitionResolver {

    private final List<Expression> levels = new ArrayList<>();

    PartitionResolver(CamelContext context, String template) {
        if (ObjectHelper.isNotEmpty(template)) {
            for (String level : splitLevels(template)) {
                Expression expression = context.resolveLanguage("simple").createExpression(level);
                expression.init(context);
                levels.add(expression);
            }
        }
    }

    boolean isPartitioned() {
        return !levels.isEmpty();
    }

    /** The relative directory for the exchange ("" when not partitioned). */
    String resolve(Exchange exchange) {
        String fromHeader = exchange.getMessage().getHeader(HdfsConstants.PARTITION, String.class);
        List<String> values = new ArrayList<>();
        if (fromHeader != null) {
            for (String level : fromHeader.split("/", -1)) {
                values.add(FileNaming.sanitizeSegment(level, "partition level"));
            }
        } else {
            for (Expression level : levels) {
                String value = level.evaluate(exchange, String.class);
                values.add(FileNaming.sanitizeSegment(value == null ? "" : value, "partition level"));
            }
        }
        return String.join("/", values);
    }

    static List<String> splitLevels(String template) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int depth = 0;
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            if (c == '{' && i > 0 && template.charAt(i - 1) == '$') {
                depth++;
            } else if (c == '}' && depth > 0) {
                depth--;
            }
            if (c == '/' && depth == 0) {
                parts.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        parts.add(current.toString());
        return parts;
    }
}
