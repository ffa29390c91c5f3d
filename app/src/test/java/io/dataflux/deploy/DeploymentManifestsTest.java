package io.dataflux.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.apache.camel.main.MainConstants;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kubernetes manifests (deploy/kubernetes) are valid Kubernetes, agree with the application's own configuration
 * (application.properties, the route files, Camel Main's options) and with each other, and the rendered example
 * overlay is accepted by an API server (fabric8's mock, CRUD mode).
 */
@EnableKubernetesMockClient(crud = true)
class DeploymentManifestsTest {

    private static final String OVERLAY = "example";
    private static final Path APPLICATION_PROPERTIES = Path.of("application.properties");
    private static final Path ROUTES = Path.of("routes");

    static KubernetesClient client;

    @TempDir
    static Path scratch;
    private static String rendered;
    private static List<HasMetadata> resources;
    private static Properties application;

    @BeforeAll
    static void render() throws Exception {
        rendered = Kustomize.render(OVERLAY, scratch);
        resources = ManifestModel.parse("kubectl kustomize overlays/" + OVERLAY, rendered);
        application = new Properties();
        try (Reader reader = Files.newBufferedReader(APPLICATION_PROPERTIES)) {
            application.load(reader);
        }
    }

    @Test
    void everyManifestFileIsValidKubernetes() throws IOException {
        List<Path> manifests;
        try (Stream<Path> files = Files.walk(Kustomize.KUBERNETES)) {
            manifests = files.filter(file -> file.toString().endsWith(".yaml"))
                    .filter(file -> !file.getFileName().toString().equals("kustomization.yaml"))
                    .sorted().toList();
        }
        assertThat(manifests).extracting(file -> file.getFileName().toString())
                .contains("deployment.yaml", "service.yaml", "pod-disruption-budget.yaml", "service-account.yaml", "namespace.yaml");
        for (Path manifest : manifests) {
            assertThat(ManifestModel.parse(manifest.toString(), Files.readString(manifest))).as(manifest.toString()).isNotEmpty();
        }
    }

    @Test
    void theModelCatchesTypeErrorsAndUnknownFields() {
        // the checks above would pass vacuously if the model accepted anything
        String deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\nspec:\n";
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ManifestModel.parse("typo",
                        deployment + "  replica: 3\n"))
                .hasMessageContaining("Deployment/x.spec.replica");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ManifestModel.parse("type",
                        deployment + "  replicas: three\n"))
                .hasMessageContaining("not a valid Kubernetes resource");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ManifestModel.parse("kind",
                        "apiVersion: apps/v1\nkind: Deploymnet\nmetadata:\n  name: x\n"))
                .hasMessageContaining("not a kind");
    }

    @Test
    void theRenderedOverlayHasEveryPartOfTheDeployment() {
        assertThat(resources).extracting(HasMetadata::getKind).containsExactlyInAnyOrder("Namespace", "ServiceAccount",
                "Role", "RoleBinding", "ConfigMap", "ConfigMap", "ConfigMap", "Secret", "Service", "Deployment",
                "PodDisruptionBudget");
        resources.stream().filter(resource -> !resource.getKind().equals("Namespace")).forEach(resource ->
                assertThat(resource.getMetadata().getNamespace()).as(resource.getKind()).isEqualTo("dataflux"));
    }

    @Test
    void theConfigMapsAreTheRouteFilesAndTheirSqlAsTheyAreOnDisk() throws IOException {
        String fix = ": list it in routes/kustomization.yaml (kustomize takes no wildcards)";
        // every route file Camel loads (application.properties' patterns, in routes/), each whole, and nothing else
        List<PathMatcher> routePatterns = Arrays.stream(application.getProperty("camel.main.routes-include-pattern")
                        .split(","))
                .map(pattern -> pattern.strip().replaceFirst("^classpath:routes/", ""))
                .map(glob -> FileSystems.getDefault().getPathMatcher("glob:" + glob)).toList();
        Map<String, String> routeFiles = filesIn(ROUTES, file -> routePatterns.stream()
                .anyMatch(pattern -> pattern.matches(file.getFileName())));
        assertThat(routeFiles).containsKeys("ingest.camel.yaml", "sinks.camel.xml");
        assertThat(new TreeMap<>(configMap("dataflux-routes").getData())).as("the route files" + fix)
                .isEqualTo(routeFiles);
        // every SQL file of routes/sql, each whole
        Map<String, String> sqlFiles = filesIn(ROUTES.resolve("sql"), file -> true);
        assertThat(sqlFiles).containsKeys("upsert-posts.sql", "insert-dead-letter.sql");
        assertThat(new TreeMap<>(configMap("dataflux-sql").getData())).as("the SQL files" + fix).isEqualTo(sqlFiles);
        // routes/ holds nothing else that the pods would miss
        try (Stream<Path> files = Files.list(ROUTES)) {
            assertThat(files.map(file -> file.getFileName().toString())
                    .filter(name -> !routeFiles.containsKey(name)).sorted())
                    .containsExactly("kustomization.yaml", "sql");
        }
        // no committed copies: the base reads routes/ where it is
        assertThat(Kustomize.KUBERNETES.resolve("base").resolve("config")).doesNotExist();
        assertThat(resources.stream().filter(ConfigMap.class::isInstance).map(r -> r.getMetadata().getName())
                .map(name -> name.replaceFirst("-[a-z0-9]{10}$", "")))
                .containsExactlyInAnyOrder("dataflux-routes", "dataflux-sql", "dataflux-env");
    }

    @Test
    void theJarCarriesTheSqlOfRoutesSqlWhereTheRoutesLookForIt() throws IOException {
        // the routes say sql:classpath:sql/<file>: the build puts routes/sql/ on the class path as sql/
        Map<String, String> sqlFiles = filesIn(ROUTES.resolve("sql"), file -> true);
        Set<String> usedByRoutes = new TreeSet<>();
        for (String route : filesIn(ROUTES, file -> Files.isRegularFile(file)).values()) {
            Matcher used = Pattern.compile("sql:classpath:sql/([A-Za-z0-9._-]+\\.sql)").matcher(route);
            while (used.find()) {
                usedByRoutes.add(used.group(1));
            }
        }
        assertThat(usedByRoutes).as("the SQL files the routes run").isNotEmpty();
        assertThat(sqlFiles.keySet()).containsAll(usedByRoutes);
        for (Map.Entry<String, String> sql : sqlFiles.entrySet()) {
            try (InputStream packaged = getClass().getResourceAsStream("/sql/" + sql.getKey())) {
                assertThat(packaged).as("sql/%s on the class path", sql.getKey()).isNotNull();
                assertThat(new String(packaged.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(sql.getValue());
            }
        }
        // the kustomization is not configuration of the application
        assertThat(getClass().getResource("/routes/kustomization.yaml")).isNull();
        assertThat(getClass().getResource("/routes/sql/upsert-posts.sql")).isNull();
    }

    @Test
    void probesAndPortsAreTheManagementServersOfApplicationProperties() throws IOException {
        Container container = container();
        int port = Integer.parseInt(application.getProperty("camel.management.port"));
        assertThat(container.getPorts()).singleElement().satisfies(containerPort -> {
            assertThat(containerPort.getName()).isEqualTo("management");
            assertThat(containerPort.getContainerPort()).isEqualTo(port);
        });
        // Camel's own defaults for the paths, unless application.properties sets them
        Map<String, String> camelDefaults = camelMainDefaults();
        String health = application.getProperty("camel.management.health-path", camelDefaults.get("camel.management.healthPath"));
        String metrics = application.getProperty("camel.metrics.path", camelDefaults.get("camel.metrics.path"));
        assertThat(health).isEqualTo("/observe/health");
        assertProbe(container.getStartupProbe(), health + "/live");
        assertProbe(container.getLivenessProbe(), health + "/live");
        assertProbe(container.getReadinessProbe(), health + "/ready");
        Map<String, String> annotations = deployment().getSpec().getTemplate().getMetadata().getAnnotations();
        assertThat(annotations).containsEntry("prometheus.io/port", Integer.toString(port))
                .containsEntry("prometheus.io/path", metrics);

        Service service = one(Service.class);
        assertThat(service.getSpec().getPorts()).singleElement().satisfies(servicePort -> {
            assertThat(servicePort.getPort()).isEqualTo(port);
            assertThat(servicePort.getTargetPort().getStrVal()).isEqualTo("management");
        });
        assertThat(service.getSpec().getSelector()).isEqualTo(deployment().getSpec().getSelector().getMatchLabels());
        assertThat(deployment().getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(service.getSpec().getSelector());
    }

    @Test
    void environmentNamesArePropertiesTheApplicationHas() throws Exception {
        Set<String> camelMainOptions = camelMainDefaults().keySet().stream().map(DeploymentManifestsTest::relaxed)
                .collect(Collectors.toSet());
        // the locations Camel Main reads before its options (camel.main.property-placeholder-location, ...)
        for (java.lang.reflect.Field constant : MainConstants.class.getFields()) {
            if (constant.get(null) instanceof String value && value.startsWith("camel.main.")) {
                camelMainOptions.add(relaxed(value));
            }
        }
        Set<String> dataFluxKeys = application.stringPropertyNames().stream().filter(key -> key.startsWith("dataflux."))
                .map(ImageCheckServers::envName).collect(Collectors.toSet());
        List<String> names = new ArrayList<>(container().getEnv().stream().map(EnvVar::getName).toList());
        // the overlay's dataflux-env ConfigMap reaches the container through envFrom
        assertThat(container().getEnvFrom()).singleElement()
                .satisfies(from -> assertThat(configMap("dataflux-env").getMetadata().getName())
                        .isEqualTo(from.getConfigMapRef().getName()));
        names.addAll(configMap("dataflux-env").getData().keySet());
        for (String name : names) {
            if (name.startsWith("CAMEL_MAIN_")) {
                assertThat(camelMainOptions).as("%s is a Camel Main option", name).contains(relaxed(name));
            } else {
                assertThat(dataFluxKeys).as("%s is a key of application.properties", name).contains(name);
            }
        }
        assertThat(env("DATAFLUX_INSTANCE_ID").getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.name");
        assertThat(env("DATAFLUX_CLUSTER_TYPE").getValue()).isEqualTo("kubernetes");
    }

    @Test
    void mountedPathsAreTheOnesCamelMainIsPointedAt() throws IOException {
        Container container = container();
        VolumeMount routes = mountOf(volumeFor("configMap", "dataflux-routes"));
        VolumeMount sql = mountOf(volumeFor("configMap", "dataflux-sql"));
        VolumeMount secret = mountOf(volumeFor("secret", "dataflux-credentials"));

        // application.properties: the image's (the environment's values come as environment variables)
        assertThat(container.getEnv()).extracting(EnvVar::getName).doesNotContain("CAMEL_MAIN_PROPERTY_PLACEHOLDER_LOCATION");
        // the routes: the same file patterns as application.properties, in the mounted directory
        List<String> packaged = Arrays.stream(application.getProperty("camel.main.routes-include-pattern").split(","))
                .map(pattern -> pattern.strip().replaceFirst("^classpath:routes/", "")).toList();
        assertThat(packaged).allMatch(pattern -> pattern.startsWith("*."));
        assertThat(env("CAMEL_MAIN_ROUTES_INCLUDE_PATTERN").getValue().split(",")).containsExactlyElementsOf(
                packaged.stream().map(pattern -> "file:" + routes.getMountPath() + "/" + pattern).toList());
        // the credentials: one file a property
        assertThat(env("CAMEL_MAIN_CLOUD_PROPERTIES_LOCATION").getValue()).isEqualTo(secret.getMountPath());
        Secret credentials = one(Secret.class);
        assertThat(credentials.getData()).containsOnlyKeys("dataflux.mysql.password", "dataflux.redis.password");
        for (String property : credentials.getData().keySet()) {
            assertThat(application.getProperty(property)).as("%s never in application.properties", property).isNull();
            assertThat(usesOf(property)).as("%s is used by application.properties, a route or the Redis connection"
                    + " definition", property).isPositive();
        }
        // the SQL: over the sql/ of the image's class path, whose first entry is Jib's resources directory (the
        // default app root /app, exploded): the routes' sql:classpath:sql/... then read the ConfigMap's files
        assertThat(sql.getMountPath()).isEqualTo("/app/resources/sql");
        assertThat(sql.getSubPath()).isNull();
        String pom = Files.readString(Path.of("app", "pom.xml"));
        String jib = pom.substring(pom.indexOf("<artifactId>jib-maven-plugin</artifactId>"));
        jib = jib.substring(0, jib.indexOf("</plugin>"));
        assertThat(jib).as("Jib's default layout: resources in /app/resources, first on the class path")
                .doesNotContain("<appRoot>", "<containerizingMode>", "<extraClasspath>", "<entrypoint>");
        assertThat(Stream.of(routes, sql, secret)).allMatch(VolumeMount::getReadOnly);
        assertThat(container.getVolumeMounts()).hasSize(4);
    }

    @Test
    void thePodRunsAsNonRootOnAReadOnlyRootFileSystemAndStopsGracefully() {
        PodSpec pod = deployment().getSpec().getTemplate().getSpec();
        Container container = container();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isPositive();
        assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        VolumeMount tmp = container.getVolumeMounts().stream().filter(mount -> mount.getMountPath().equals("/tmp"))
                .findFirst().orElseThrow(() -> new AssertionError("no writable /tmp"));
        assertThat(pod.getVolumes()).filteredOn(volume -> volume.getName().equals(tmp.getName()))
                .singleElement().satisfies(volume -> assertThat(volume.getEmptyDir()).isNotNull());

        // the stop sequence (docs/archive.md): Camel's graceful shutdown, then the archive's commits, then the JVM's exit
        long shutdownTimeout = Long.parseLong(application.getProperty("camel.main.shutdown-timeout"));
        long archiveCommits = Long.parseLong(application.getProperty("dataflux.archive.shutdown-timeout")) / 1000;
        assertThat(pod.getTerminationGracePeriodSeconds())
                .as("longer than Camel's shutdown timeout plus the archive's, with 10 s for the rest of the stop")
                .isGreaterThanOrEqualTo(shutdownTimeout + archiveCommits + 10);

        assertThat(deployment().getSpec().getReplicas()).isEqualTo(3);
        Map<String, Quantity> requests = container.getResources().getRequests();
        Map<String, Quantity> limits = container.getResources().getLimits();
        assertThat(requests).containsKeys("cpu", "memory");
        assertThat(Quantity.getAmountInBytes(limits.get("memory")))
                .isGreaterThanOrEqualTo(Quantity.getAmountInBytes(requests.get("memory")));
        PodDisruptionBudget budget = one(PodDisruptionBudget.class);
        assertThat(budget.getSpec().getMaxUnavailable().getIntVal()).isLessThan(deployment().getSpec().getReplicas());
        assertThat(budget.getSpec().getSelector().getMatchLabels())
                .isEqualTo(deployment().getSpec().getSelector().getMatchLabels());
    }

    @Test
    void theServiceAccountMayDoWhatLeaderElectionNeeds() {
        ServiceAccount account = one(ServiceAccount.class);
        assertThat(deployment().getSpec().getTemplate().getSpec().getServiceAccountName())
                .isEqualTo(account.getMetadata().getName());
        Role role = one(Role.class);
        RoleBinding binding = one(RoleBinding.class);
        assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
        assertThat(binding.getSubjects()).singleElement().satisfies(subject -> {
            assertThat(subject.getKind()).isEqualTo("ServiceAccount");
            assertThat(subject.getName()).isEqualTo(account.getMetadata().getName());
        });
        assertThat(verbs(role, "", "pods")).containsExactlyInAnyOrder("get", "list");
        assertThat(verbs(role, "coordination.k8s.io", "leases")).containsExactlyInAnyOrder("get", "create", "update");
    }

    @Test
    void theImageCheckRunsTheContainerWithTheDeploymentsEnvironment() throws IOException {
        // deploy/image/build-offline.sh: its -e NAME=VALUE lines are the Deployment's env with fixed values
        Matcher lines = Pattern.compile("-e '?([A-Z_]+)=([^' \\n]+)'?").matcher(
                Files.readString(Path.of("deploy", "image", "build-offline.sh")));
        Map<String, String> script = new LinkedHashMap<>();
        while (lines.find()) {
            script.put(lines.group(1), lines.group(2));
        }
        Map<String, String> deployment = new LinkedHashMap<>();
        container().getEnv().forEach(env -> deployment.put(env.getName(), env.getValue()));
        // no Kubernetes API under podman to hold a Lease: the check runs without leader election
        deployment.remove("DATAFLUX_CLUSTER_TYPE");
        assertThat(script.keySet()).containsExactlyInAnyOrderElementsOf(deployment.keySet());
        deployment.forEach((name, value) -> {
            if (value != null) {
                assertThat(script).containsEntry(name, value);
            }
        });
    }

    @Test
    void anApiServerAcceptsTheWholeOverlay() {
        InputStream yaml = new ByteArrayInputStream(rendered.getBytes(StandardCharsets.UTF_8));
        assertThat(client.load(yaml).createOrReplace()).hasSize(resources.size());

        Deployment stored = client.apps().deployments().inNamespace("dataflux").withName("dataflux").get();
        assertThat(stored.getSpec().getReplicas()).isEqualTo(3);
        assertThat(stored.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .isEqualTo("registry.example.com/dataflux/dataflux:0.1.0-SNAPSHOT");
        // every ConfigMap and Secret the pod refers to exists under the (hash-suffixed) name it refers to
        for (Volume volume : stored.getSpec().getTemplate().getSpec().getVolumes()) {
            if (volume.getConfigMap() != null) {
                assertThat(client.configMaps().inNamespace("dataflux").withName(volume.getConfigMap().getName()).get())
                        .as(volume.getName()).isNotNull();
            }
            if (volume.getSecret() != null) {
                assertThat(client.secrets().inNamespace("dataflux").withName(volume.getSecret().getSecretName()).get())
                        .as(volume.getName()).isNotNull();
            }
        }
        String envConfigMap = stored.getSpec().getTemplate().getSpec().getContainers().get(0).getEnvFrom().get(0)
                .getConfigMapRef().getName();
        assertThat(client.configMaps().inNamespace("dataflux").withName(envConfigMap).get()).isNotNull();
        assertThat(client.serviceAccounts().inNamespace("dataflux").withName("dataflux").get()).isNotNull();
        assertThat(client.policy().v1().podDisruptionBudget().inNamespace("dataflux").withName("dataflux").get()).isNotNull();
    }

    private static void assertProbe(Probe probe, String path) {
        assertThat(probe).as("probe on " + path).isNotNull();
        assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
        assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("management");
    }

    private static Deployment deployment() {
        return one(Deployment.class);
    }

    private static Container container() {
        return deployment().getSpec().getTemplate().getSpec().getContainers().stream().collect(
                Collectors.collectingAndThen(Collectors.toList(), containers -> {
                    assertThat(containers).hasSize(1);
                    return containers.get(0);
                }));
    }

    private static EnvVar env(String name) {
        return container().getEnv().stream().filter(env -> env.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no env " + name));
    }

    private static <T extends HasMetadata> T one(Class<T> kind) {
        List<T> found = resources.stream().filter(kind::isInstance).map(kind::cast).toList();
        assertThat(found).as(kind.getSimpleName()).hasSize(1);
        return found.get(0);
    }

    /** A generated ConfigMap, by the name before kustomize's hash suffix. */
    private static ConfigMap configMap(String name) {
        List<ConfigMap> found = resources.stream().filter(ConfigMap.class::isInstance).map(ConfigMap.class::cast)
                .filter(map -> map.getMetadata().getName().matches(Pattern.quote(name) + "-[a-z0-9]{10}")).toList();
        assertThat(found).as("ConfigMap " + name).hasSize(1);
        return found.get(0);
    }

    private static Volume volumeFor(String type, String name) {
        return deployment().getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(volume -> type.equals("configMap")
                        ? volume.getConfigMap() != null && volume.getConfigMap().getName().startsWith(name + "-")
                        : volume.getSecret() != null && volume.getSecret().getSecretName().startsWith(name + "-"))
                .findFirst().orElseThrow(() -> new AssertionError("no volume from " + type + " " + name));
    }

    private static VolumeMount mountOf(Volume volume) {
        return container().getVolumeMounts().stream().filter(mount -> mount.getName().equals(volume.getName()))
                .findFirst().orElseThrow(() -> new AssertionError("volume " + volume.getName() + " not mounted"));
    }

    /** The regular files of a directory that match, by name, with their text. */
    private static Map<String, String> filesIn(Path directory, java.util.function.Predicate<Path> matching)
            throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> listed = Files.list(directory)) {
            for (Path file : listed.filter(Files::isRegularFile).filter(matching).toList()) {
                files.put(file.getFileName().toString(), Files.readString(file));
            }
        }
        return files;
    }

    private static Set<String> verbs(Role role, String apiGroup, String resource) {
        Set<String> verbs = new TreeSet<>();
        for (PolicyRule rule : role.getRules()) {
            if (rule.getApiGroups().contains(apiGroup) && rule.getResources().contains(resource)) {
                verbs.addAll(rule.getVerbs());
            }
        }
        return verbs;
    }

    /** How often {@code {{property...}}} appears in application.properties and the route files (or the key in RedisConnections). */
    private static long usesOf(String property) {
        // a placeholder in the properties and routes; the key itself in the Java that builds redisConnectionFactory
        Pattern placeholder = Pattern.compile("\\{\\{" + Pattern.quote(property) + "[:}]|\""
                + Pattern.quote(property) + "\"");
        Path redisConnections = Path.of("app/src/main/java/io/dataflux/config/RedisConnections.java");
        try (Stream<Path> routes = Files.list(ROUTES)) {
            return Stream.concat(Stream.of(APPLICATION_PROPERTIES, redisConnections),
                            routes.filter(Files::isRegularFile).toList().stream())
                    .mapToLong(file -> {
                        try {
                            return placeholder.matcher(Files.readString(file)).results().count();
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                    }).sum();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Camel Main's options and their defaults, from the metadata camel-main 4.17 ships. */
    private static Map<String, String> camelMainDefaults() throws IOException {
        try (InputStream metadata = org.apache.camel.main.Main.class.getClassLoader()
                .getResourceAsStream("META-INF/camel-main-configuration-metadata.json")) {
            assertThat(metadata).as("camel-main's option metadata").isNotNull();
            JsonNode properties = new ObjectMapper().readTree(metadata).get("properties");
            Map<String, String> defaults = new TreeMap<>();
            properties.forEach(option -> defaults.put(option.get("name").asText(),
                    option.has("defaultValue") ? option.get("defaultValue").asText() : null));
            return defaults;
        }
    }

    /** A property or environment variable name in the form Camel's relaxed binding compares. */
    private static String relaxed(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[-._]", "");
    }
}
