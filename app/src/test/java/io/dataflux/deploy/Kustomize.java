package io.dataflux.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Renders a kustomization with {@code kubectl kustomize} (kustomize built into kubectl, offline; else a standalone
 * {@code kustomize build}), from a copy of deploy/kubernetes and routes/ (the base's ConfigMaps come from
 * routes/kustomization.yaml) laid out as in the repository, with a credentials.env made from the overlay's committed
 * example, since the real one is never committed.
 */
final class Kustomize {

    static final Path KUBERNETES = Path.of("deploy", "kubernetes");
    /** The route files and their SQL, with the kustomization that makes their ConfigMaps. */
    static final Path ROUTES = Path.of("routes");

    private Kustomize() {
    }

    /** The overlay rendered, as kubectl would apply it: a multi-document YAML string. */
    static String render(String overlay, Path scratch) throws IOException, InterruptedException {
        Path repository = scratch.resolve("repository");
        Path copy = repository.resolve(KUBERNETES);
        copyTree(KUBERNETES, copy);
        copyTree(ROUTES, repository.resolve(ROUTES));
        Path overlayDir = copy.resolve("overlays").resolve(overlay);
        Path example = overlayDir.resolve("credentials.env.example");
        if (Files.exists(example)) {
            // the example's keys with made-up values: the test's own, never a real credential
            List<String> lines = Files.readAllLines(example).stream()
                    .map(line -> line.isBlank() || line.startsWith("#") ? line : line.replaceFirst("=.*", "=test-only"))
                    .toList();
            Files.write(overlayDir.resolve("credentials.env"), lines);
        }
        Path output = scratch.resolve(overlay + ".yaml");
        Path errors = scratch.resolve(overlay + ".err");
        Process kubectl;
        try {
            kubectl = new ProcessBuilder("kubectl", "kustomize", overlayDir.toString())
                    .redirectOutput(output.toFile()).redirectError(errors.toFile()).start();
        } catch (IOException noKubectl) {
            try {
                // the standalone kustomize does the same
                kubectl = new ProcessBuilder("kustomize", "build", overlayDir.toString())
                        .redirectOutput(output.toFile()).redirectError(errors.toFile()).start();
            } catch (IOException noKustomize) {
                throw new IllegalStateException("the manifest tests render the kustomization with `kubectl kustomize` "
                        + "(kubectl 1.21+: kustomize 4.1+ inside) or `kustomize build`: install either on the PATH "
                        + "(.ci/run fetches kustomize when neither is there)", noKubectl);
            }
        }
        if (!kubectl.waitFor(60, TimeUnit.SECONDS) || kubectl.exitValue() != 0) {
            kubectl.destroyForcibly();
            throw new IllegalStateException("kubectl kustomize " + overlay + " failed: "
                    + Files.readString(errors, StandardCharsets.UTF_8));
        }
        return Files.readString(output, StandardCharsets.UTF_8);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : paths.toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else if (!path.getFileName().toString().equals("credentials.env")) {
                    Files.copy(path, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
