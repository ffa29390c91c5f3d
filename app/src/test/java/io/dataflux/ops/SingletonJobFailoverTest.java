package io.dataflux.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Consumer;

import io.dataflux.DataFluxApplication;
import io.dataflux.testing.ManagementEndpoint;
import io.dataflux.testing.RealServers;
import io.dataflux.testing.ServerKind;
import io.dataflux.testing.RedisTestServer;
import io.dataflux.testing.TestServers;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.main.Main;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * A singleton job across replicas: three DataFlux instances (Camel Main, each its own CamelContext, with the real
 * routes/singletons.camel.yaml, the real cluster settings and a list-mode redis-source ingest route) share a Redis list.
 * The list-reaper runs on exactly one of them and returns a dead consumer's items; when that instance stops, another
 * takes the job over. Once with a real ZooKeeper (Curator's TestingServer), once with Kubernetes Leases on the fabric8
 * mock API server.
 */
@RealServers(ServerKind.REDIS)
class SingletonJobFailoverTest {

    private static final int INSTANCES = 3;
    private static final String NAMESPACE = "dataflux-test";

    @Test
    void zooKeeperElectsOneReaperAndFailsOver() throws Exception {
        Path data = Files.createTempDirectory("dataflux-zookeeper-");
        // loopback only, and no admin HTTP server (it would take port 8080)
        Map<String, Object> loopback = Map.of("clientPortAddress", "127.0.0.1", "admin.enableServer", "false");
        InstanceSpec spec = new InstanceSpec(data.toFile(), -1, -1, -1, true, -1, -1, -1, loopback, "127.0.0.1");
        try (TestingServer zookeeper = new TestingServer(spec, true)) {
            assertOneReaperThatFailsOver(Map.of(
                    "dataflux.cluster.type", "zookeeper",
                    "dataflux.cluster.zookeeper.nodes", zookeeper.getConnectString()), id -> { }, id -> { });
        }
    }

    @Test
    void kubernetesLeaseElectsOneReaperAndFailsOver() throws Exception {
        KubernetesMockServer api = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        api.init(InetAddress.getByName("127.0.0.1"), 0);
        try (NamespacedKubernetesClient client = api.createClient()) {
            String leader = assertOneReaperThatFailsOver(Map.of(
                    "dataflux.cluster.type", "kubernetes",
                    "dataflux.cluster.kubernetes.master-url", client.getConfiguration().getMasterUrl(),
                    "dataflux.cluster.kubernetes.namespace", NAMESPACE,
                    // a stopped leader's lease expires after 3 s instead of 15
                    "dataflux.cluster.kubernetes.lease-duration", "3000",
                    "dataflux.cluster.kubernetes.renew-deadline", "2000",
                    "dataflux.cluster.kubernetes.retry-period", "500"),
                    // Camel elects among the namespace's pods: each instance has its pod, which goes when it stops
                    id -> client.pods().inNamespace(NAMESPACE).resource(runningPod(id)).create(),
                    id -> client.pods().inNamespace(NAMESPACE).withName(id).delete());
            Lease lease = client.leases().inNamespace(NAMESPACE).withName("dataflux-list-reaper").get();
            assertThat(lease).as("the Lease the election runs on").isNotNull();
            assertThat(lease.getSpec().getHolderIdentity()).as("held by the instance that reaps last").isEqualTo(leader);
        } finally {
            api.destroy();
        }
    }

    /** A running, ready pod: Camel counts only those as members of the election. */
    private static Pod runningPod(String name) {
        return new PodBuilder()
                .withNewMetadata().withName(name).withNamespace(NAMESPACE).addToLabels("app", "dataflux").endMetadata()
                .withNewStatus().withPhase("Running").withPodIP("127.0.0.1")
                .addNewCondition().withType("Ready").withStatus("True").endCondition()
                .endStatus().build();
    }

    /** Returns the instance id of the second leader; the callbacks see each instance start and stop. */
    private String assertOneReaperThatFailsOver(Map<String, String> cluster, Consumer<String> started,
                                                Consumer<String> stopped) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String key = "singleton:" + run;
        List<Instance> instances = new ArrayList<>();
        try {
            for (int i = 1; i <= INSTANCES; i++) {
                String id = "node-" + i + "-" + run;
                started.accept(id);
                instances.add(Instance.start(id, key, cluster));
            }
            plantDeadConsumer(key, "ghost-1", 3);

            Instance first = awaitSoleLeaderThatReaped(instances, 3);
            first.stop();
            stopped.accept(first.id);
            List<Instance> survivors = instances.stream().filter(instance -> instance != first).toList();
            plantDeadConsumer(key, "ghost-2", 2);

            Instance second = awaitSoleLeaderThatReaped(survivors, 2);
            assertThat(second).isNotSameAs(first);
            // the reaped items went back to the list and were consumed by the live instances
            await().atMost(Duration.ofSeconds(30)).until(() -> queueEmpty(key));
            return second.id;
        } finally {
            for (Instance instance : instances) {
                instance.stop();
            }
        }
    }

    /** One instance, and only one, runs the job and returns the dead consumer's items; the others never run it. */
    private static Instance awaitSoleLeaderThatReaped(List<Instance> instances, long items) {
        await().atMost(Duration.ofSeconds(60)).until(() -> instances.stream().anyMatch(i -> i.reaper().getReaped() >= items));
        Instance leader = instances.stream().filter(i -> i.reaper().getReaped() >= items).findFirst().orElseThrow();
        long runs = leader.reaper().getRuns();
        // several more rounds of the job, all on the leader
        await().atMost(Duration.ofSeconds(30)).until(() -> leader.reaper().getRuns() >= runs + 5);
        for (Instance other : instances) {
            if (other != leader) {
                assertThat(other.reaper().getRuns()).as("%s never runs the singleton job while %s leads", other.id,
                        leader.id).isZero();
            }
        }
        assertThat(leader.reaper().getReaped()).isEqualTo(items);
        leader.resetCounts();
        return leader;
    }

    /** A consumer that died holding items: registered, items in its processing list, no heartbeat. */
    private static void plantDeadConsumer(String key, String consumer, int items) {
        try (Jedis redis = redis()) {
            redis.sadd(key + ":consumers", consumer);
            for (int i = 0; i < items; i++) {
                redis.rpush(key + ":processing:" + consumer, "{\"item\":\"" + consumer + "-" + i + "\"}");
            }
        }
    }

    private static boolean queueEmpty(String key) {
        try (Jedis redis = redis()) {
            return redis.llen(key) == 0 && redis.keys(key + ":processing:*").stream().allMatch(list -> redis.llen(list) == 0);
        }
    }

    private static Jedis redis() {
        return TestServers.redis().client();
    }

    /** A DataFlux instance in this JVM: Camel Main with the singleton route file and a list-mode ingest route. */
    private static final class Instance {

        private final String id;
        private final Main main;
        private ListReaper countsFrom;
        private boolean stopped;

        private Instance(String id, Main main) {
            this.id = id;
            this.main = main;
        }

        static Instance start(String id, String key, Map<String, String> cluster) throws Exception {
            Main main = new Main(DataFluxApplication.class);
            Properties overrides = new Properties();
            overrides.put("camel.main.name", id);
            overrides.put("camel.main.routes-include-pattern", "classpath:routes/singletons.camel.yaml");
            overrides.put("camel.main.java-routes-exclude-pattern", "**/*Test*");
            overrides.put("dataflux.instance-id", id);
            overrides.put("dataflux.mysql.migrate", "false");
            overrides.put("dataflux.redis.reaper-interval", "200");
            overrides.putAll(ManagementEndpoint.onFreePort().camelProperties());
            overrides.putAll(cluster);
            main.setOverrideProperties(overrides);
            main.configure().addRoutesBuilder(new RouteBuilder() {
                @Override
                public void configure() {
                    // list mode, with the consumer's own reaper off as in routes/ingest.camel.yaml
                    from("redis-source:" + key + "?mode=list&host=" + TestServers.redis().host() + "&port="
                            + TestServers.redis().port() + RedisTestServer.uriCredentials() + "&consumerName=" + id
                            + "&reaperInterval=0&heartbeatTtl=3000&blockTimeout=200")
                            .routeId("ingest")
                            .log("consumed ${body.size()} item(s)");
                }
            });
            main.start();
            return new Instance(id, main);
        }

        ListReaper reaper() {
            if (countsFrom == null) {
                countsFrom = main.getCamelContext().getRegistry().lookupByNameAndType("listReaper", ListReaper.class);
            }
            return countsFrom;
        }

        void resetCounts() {
            reaper().resetCounts();
        }

        void stop() {
            if (!stopped) {
                stopped = true;
                main.stop();
            }
        }
    }
}
