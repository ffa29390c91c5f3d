package io.dataflux.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Loopback addresses and free ports: test servers never listen beyond 127.0.0.1. */
final class Network {

    static final String HOST = "127.0.0.1";
    /** Every port handed out in this JVM: the kernel may give a port just closed again, to a second server's listener. */
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private Network() {
    }

    /**
     * A port that was free a moment ago on 127.0.0.1, and never handed out before in this JVM (a Kafka broker's three
     * listeners once got the same port twice and the broker refused to start).
     */
    static int freePort() {
        while (true) {
            int port;
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
                socket.setReuseAddress(true);
                port = socket.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException("no free port on " + HOST, e);
            }
            if (HANDED_OUT.add(port)) {
                return port;
            }
        }
    }

    static boolean isListening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(HOST, port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
