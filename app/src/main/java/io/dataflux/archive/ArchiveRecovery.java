package io.dataflux.archive;

import io.dataflux.component.hdfs.HdfsEndpoint;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Endpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The singleton job that recovers the archive files of dead writers (routes/singletons.camel.yaml): every hdfs
 * endpoint with a running producer commits the in-progress files whose writer's heartbeat expired, whatever instance
 * id is in their names, cut back to the length that writer last synced; an unfinished Avro or Parquet file (no footer,
 * none of its records acknowledged) is removed instead, and its records are written again from Redis. Files, writers
 * and bytes cut are counted in the hdfs metrics (dataflux.hdfs.recovered, dataflux.hdfs.truncated.bytes) and logged
 * by the component.
 */
public final class ArchiveRecovery implements CamelContextAware {

    private static final Logger LOG = LoggerFactory.getLogger("io.dataflux.archive");

    private CamelContext camelContext;

    /** Runs one recovery pass; returns the files committed (or removed when empty). */
    public int recover() throws Exception {
        int recovered = 0;
        for (Endpoint endpoint : camelContext.getEndpoints()) {
            if (endpoint instanceof HdfsEndpoint hdfs) {
                recovered += hdfs.recoverAbandoned();
            }
        }
        if (recovered > 0) {
            LOG.info("archive recovery: {} in-progress file(s) of dead writers committed or removed", recovered);
        }
        return recovered;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }
}
