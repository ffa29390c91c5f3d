package io.dataflux.component.redis;

import java.net.ConnectException;
import java.net.SocketException;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.data.redis.RedisConnectionFailureException;

/** Recognises Redis errors by their reply codes (Spring translates the client exceptions, the messages stay). */
final class RedisErrors {

    private RedisErrors() {
    }

    static boolean isBusyGroup(Throwable e) {
        return messageContains(e, "BUSYGROUP");
    }

    static boolean isWrongType(Throwable e) {
        return messageContains(e, "WRONGTYPE");
    }

    /** The group or the stream vanished (e.g. the key was deleted, or Redis restarted without persistence). */
    static boolean isNoGroup(Throwable e) {
        return messageContains(e, "NOGROUP");
    }

    static boolean isConnectionFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RedisConnectionFailureException || t instanceof DataAccessResourceFailureException
                    || t instanceof ConnectException || t instanceof SocketException
                    || t.getClass().getSimpleName().equals("JedisConnectionException")) {
                return true;
            }
        }
        return false;
    }

    /** The innermost cause's message (or its class name): what the server or the client said. */
    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
    }

    private static boolean messageContains(Throwable e, String code) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains(code)) {
                return true;
            }
        }
        return false;
    }
}
