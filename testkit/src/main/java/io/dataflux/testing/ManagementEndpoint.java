package io.dataflux.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * The management HTTP server (camel-observability-services: /observe/health, /observe/metrics) of a pipeline under test,
 * on a free port of 127.0.0.1: several pipelines on one host (replicas, parallel builds) must not share the 9876 of
 * application.properties.
 */
public final class ManagementEndpoint {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final int port;

    private ManagementEndpoint(int port) {
        this.port = port;
    }

    public static ManagementEndpoint onFreePort() {
        return new ManagementEndpoint(Network.freePort());
    }

    /** The Camel overrides that put the management server on this port, loopback only. */
    public Map<String, String> camelProperties() {
        return Map.of("camel.management.port", Integer.toString(port), "camel.management.host", Network.HOST);
    }

    public int port() {
        return port;
    }

    /** GET http://127.0.0.1:port/path; status -1 and the error as body when nothing answers. */
    public Response get(String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + Network.HOST + ":" + port + path))
                .timeout(Duration.ofSeconds(30)).GET().build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body());
        } catch (IOException e) {
            return new Response(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Response(-1, e.toString());
        }
    }

    public record Response(int status, String body) {
    }
}
