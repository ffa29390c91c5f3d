package io.dataflux.component.hdfs;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * File names of one producer. Generated names are prefix-instanceId-startTime-sequence.extension, so replicas (which
 * have different instance ids) and restarts (which have a later start time) never pick the same name. While a file is
 * written it carries the in-progress prefix and suffix; recovery recognises this instance's own in-progress files by
 * the instance id in the name.
 */
final class FileNaming {

    private static final DateTimeFormatter START_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss");

    private final String inProgressPrefix;
    private final String openedSuffix;
    private final String filePrefix;
    private final String instanceId;
    private final String startTime;
    private final String extension;
    private final Pattern ownGenerated;
    private final Pattern generated;
    private final AtomicLong sequence = new AtomicLong();

    FileNaming(HdfsConfiguration config, String instanceId, String extension) {
        this.inProgressPrefix = nullToEmpty(config.getInProgressPrefix());
        this.openedSuffix = nullToEmpty(config.getOpenedSuffix());
        this.filePrefix = config.getFilePrefix();
        this.instanceId = instanceId;
        this.startTime = LocalDateTime.now(ZoneOffset.UTC).format(START_TIME);
        // "jsonl" and ".jsonl" both mean the file ends in .jsonl
        this.extension = extension == null || extension.isEmpty() || extension.startsWith(".") ? nullToEmpty(extension)
                : "." + extension;
        this.ownGenerated = Pattern.compile(Pattern.quote(filePrefix + "-" + instanceId + "-") + "\\d{8}T\\d{6}-\\d+.*");
        this.generated = Pattern.compile(Pattern.quote(filePrefix + "-") + "(.+)-\\d{8}T\\d{6}-\\d+.*");
    }

    /** The next generated final name. */
    String nextGeneratedName() {
        return String.format("%s-%s-%s-%05d%s", filePrefix, instanceId, startTime, sequence.incrementAndGet(), extension);
    }

    /** A fixed name made unique by a counter before its first dot: events.log, events-1.log, events-2.log ... */
    static String numbered(String name, int attempt) {
        if (attempt == 0) {
            return name;
        }
        int dot = name.indexOf('.', 1);
        return dot < 0 ? name + "-" + attempt : name.substring(0, dot) + "-" + attempt + name.substring(dot);
    }

    String inProgressName(String finalName) {
        return inProgressPrefix + finalName + (openedSuffix.isEmpty() ? "" : "." + openedSuffix);
    }

    boolean isInProgress(String name) {
        return name.length() > inProgressPrefix.length() + (openedSuffix.isEmpty() ? 0 : openedSuffix.length() + 1)
                && name.startsWith(inProgressPrefix) && (openedSuffix.isEmpty() || name.endsWith("." + openedSuffix));
    }

    String finalNameOf(String inProgressName) {
        int end = inProgressName.length() - (openedSuffix.isEmpty() ? 0 : openedSuffix.length() + 1);
        return inProgressName.substring(inProgressPrefix.length(), end);
    }

    /** An in-progress file this instance wrote (generated names only: a fixed name has no owner). */
    boolean isOwnInProgress(String name) {
        return isInProgress(name) && ownGenerated.matcher(finalNameOf(name)).matches();
    }

    /** The instance that writes (or wrote) an in-progress file of a generated name; null for a fixed name. */
    String writerOf(String inProgressName) {
        if (!isInProgress(inProgressName)) {
            return null;
        }
        java.util.regex.Matcher matcher = generated.matcher(finalNameOf(inProgressName));
        return matcher.matches() ? matcher.group(1) : null;
    }

    String instanceId() {
        return instanceId;
    }

    /** Makes a value safe as one path level: / \ and control characters become _; "", "." and ".." are refused. */
    static String sanitizeSegment(String value, String what) {
        StringBuilder safe = new StringBuilder(value.length());
        value.codePoints().forEach(c -> safe.appendCodePoint(c == '/' || c == '\\' || Character.isISOControl(c) ? '_' : c));
        String result = safe.toString();
        if (result.isEmpty() || result.equals(".") || result.equals("..")) {
            throw new IllegalArgumentException("hdfs: " + what + " '" + value + "' would escape or collapse the base directory");
        }
        return result;
    }

    /** The host name, or a stable fallback, made safe for a file name. */
    static String sanitizeInstanceId(String id) {
        return id.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }
}
