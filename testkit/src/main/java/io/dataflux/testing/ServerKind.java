package io.dataflux.testing;

/** The four servers DataFlux talks to, each started for real by the harness. */
public enum ServerKind {
    REDIS,
    MARIADB,
    KAFKA,
    HDFS;

    TestServer start() throws Exception {
        return switch (this) {
            case REDIS -> RedisTestServer.start(ServerSource.fromSystemProperty());
            case MARIADB -> MariaDbTestServer.start(ServerSource.fromSystemProperty());
            case KAFKA -> KafkaTestServer.start();
            case HDFS -> HdfsTestServer.start();
        };
    }
}
