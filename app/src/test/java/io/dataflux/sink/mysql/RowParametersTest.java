package io.dataflux.sink.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.sql.DefaultSqlPrepareStatementStrategy;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The values RowParameters gives a statement are the ones camel-sql's default strategy gives, in the same order. */
class RowParametersTest {

    private static final CamelContext CONTEXT = new DefaultCamelContext();

    @AfterAll
    static void stop() throws Exception {
        CONTEXT.close();
    }

    /** The upsert as camel-sql hands it to the strategy (its :# placeholders as :?). */
    private static String upsert() throws IOException {
        try (InputStream in = RowParametersTest.class.getClassLoader().getResourceAsStream("sql/upsert-posts.sql")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace(":#", ":?");
        }
    }

    private static List<Object> values(Iterator<?> iterator) {
        List<Object> values = new ArrayList<>();
        iterator.forEachRemaining(values::add);
        return values;
    }

    private static Map<String, Object> row(String id) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (String column : List.of("version_key", "source_id", "extra", "author", "content_hash", "word_count",
                "links", "mentions", "hashtags", "created_at", "url", "body", "title", "author_id", "thread_id")) {
            row.put(column, column + " of " + id);
        }
        row.put("id", id);
        row.put("word_count", 42);
        row.put("author", null); // an author nobody knows
        return row;
    }

    @Test
    void everyRowOfABatchGetsTheDefaultStrategysValuesInOrder() throws Exception {
        String query = upsert();
        Exchange exchange = new DefaultExchange(CONTEXT);
        RowParameters rows = new RowParameters();
        DefaultSqlPrepareStatementStrategy camel = new DefaultSqlPrepareStatementStrategy();
        for (String id : List.of("pkg:1.2~rc1-1", "a@b.example", "second")) {
            List<Object> expected = values(camel.createPopulateIterator(query, null, 16, exchange, row(id)));
            assertThat(values(rows.createPopulateIterator(query, null, 16, exchange, row(id))))
                    .hasSize(16).containsExactlyElementsOf(expected).startsWith(id, "thread_id of " + id);
        }
    }

    @Test
    void aParameterTheRowLacksIsLookedForWhereCamelLooksAndMissingEverywhereIsCamelsError() throws Exception {
        String query = "INSERT INTO t (a, b) VALUES (:?a, :?b)";
        Exchange exchange = new DefaultExchange(CONTEXT);
        exchange.getIn().setHeader("b", "from a header");
        RowParameters rows = new RowParameters();
        assertThat(values(rows.createPopulateIterator(query, null, 2, exchange, Map.of("a", 1))))
                .containsExactly(1, "from a header");
        assertThat(values(rows.createPopulateIterator(query, null, 2, exchange, Map.of("a", 1, "b", 2))))
                .containsExactly(1, 2);
        Exchange bare = new DefaultExchange(CONTEXT);
        assertThatThrownBy(() -> values(rows.createPopulateIterator(query, null, 2, bare, Map.of("a", 1))))
                .hasMessageContaining("Cannot find key [b]");
    }

    @Test
    void expressionsAndInListsStayWithCamelsStrategy() throws Exception {
        Exchange exchange = new DefaultExchange(CONTEXT);
        exchange.getIn().setHeader("ids", List.of("x", "y"));
        RowParameters rows = new RowParameters();
        List<Object> simple = values(rows.createPopulateIterator("SELECT :?${body[a]}, :?b", null, 2, exchange,
                Map.of("a", "A", "b", "B")));
        assertThat(simple).containsExactly("A", "B");
        List<Object> in = values(rows.createPopulateIterator("SELECT * FROM t WHERE id IN (:?in:ids)", null, 2,
                exchange, Map.of("other", 1)));
        assertThat(in).hasSize(1);
        assertThat(values((Iterator<?>) in.get(0))).containsExactly("x", "y");
    }
}
