package io.dataflux.component.hdfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.apache.camel.Exchange;
import org.junit.jupiter.api.Test;

/** CamelHdfsFirstRecordIndex: where in its file an exchange's records start, across writes and a roll. */
class HdfsFirstRecordIndexTest extends HdfsTestSupport {

    @Test
    void eachWriteReportsTheLineItsFirstRecordIsOnAndARollStartsAgainAtZero() throws Exception {
        String uri = hdfs("", "rollCount=5&rollAge=0&instanceId=index");

        Exchange first = template.request(uri, e -> e.getMessage().setBody(List.of("a", "b")));
        Exchange second = template.request(uri, e -> e.getMessage().setBody(List.of("c", "d", "e")));
        Exchange third = template.request(uri, e -> e.getMessage().setBody(List.of("f")));

        assertThat(first.getMessage().getHeader(HdfsConstants.FIRST_RECORD_INDEX)).isEqualTo(0L);
        assertThat(second.getMessage().getHeader(HdfsConstants.FIRST_RECORD_INDEX)).isEqualTo(2L);
        assertThat(second.getMessage().getHeader(HdfsConstants.ROLL_REASON)).isEqualTo(RollReason.COUNT);
        assertThat(third.getMessage().getHeader(HdfsConstants.FIRST_RECORD_INDEX)).as("a new file").isEqualTo(0L);
        assertThat(third.getMessage().getHeader(HdfsConstants.FIRST_RECORD_INDEXES, List.class)).containsExactly(0L);
        String rolled = second.getMessage().getHeader(HdfsConstants.PATH, String.class);
        assertThat(read(rolled).split("\n")[2]).as("line 2 of the file the second write reported").isEqualTo("c");
    }
}
