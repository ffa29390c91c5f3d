package io.dataflux.component.hdfs;

import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Locale;

import org.apache.camel.util.ObjectHelper;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.io.compress.CompressionCodec;

/**
 * Checks an endpoint's options at start-up and folds the camel-hdfs style options (splitStrategy, overwrite, append)
 * into the new ones, so that anything unsupported or contradictory fails with a clear message instead of silently.
 */
final class HdfsOptions {

    private HdfsOptions() {
    }

    static void resolve(HdfsConfiguration config) {
        if (config.getFileSystemType() == HdfsFileSystemType.HDFS && ObjectHelper.isEmpty(config.getHostName())) {
            throw unsupported("the NameNode host is missing: use hdfs://host:port/path (or fileSystemType=LOCAL)");
        }
        if (ObjectHelper.isEmpty(config.getPath()) || !config.getPath().startsWith("/")) {
            throw unsupported("the path must be absolute, was '" + config.getPath() + "'");
        }
        if (config.getSplitStrategy() != null) {
            applySplitStrategy(config, config.getSplitStrategy());
        }
        resolveExistingFilePolicy(config);
        config.setDelimiter(unescape(config.getDelimiter()));
        requirePositive("rollSize", config.getRollSize(), true);
        requirePositive("rollCount", config.getRollCount(), true);
        requirePositive("rollAge", config.getRollAge(), true);
        requirePositive("rollIdle", config.getRollIdle(), true);
        requirePositive("checkIdleInterval", config.getCheckIdleInterval(), false);
        requirePositive("heartbeatInterval", config.getHeartbeatInterval(), true);
        requirePositive("heartbeatExpiry", config.getHeartbeatExpiry(), false);
        if (config.getHeartbeatInterval() > 0 && config.getHeartbeatExpiry() < 3 * config.getHeartbeatInterval()) {
            throw unsupported("heartbeatExpiry (" + config.getHeartbeatExpiry() + " ms) must be at least three heartbeatInterval ("
                    + config.getHeartbeatInterval() + " ms): a live writer must never look dead");
        }
        requireNameSafe("filePrefix", config.getFilePrefix());
        requireNameSafe("fileExtension", config.getFileExtension());
        requireNameSafe("instanceId", config.getInstanceId());
        requireNameSafe("inProgressPrefix", config.getInProgressPrefix());
        requireNameSafe("openedSuffix", config.getOpenedSuffix());
        if (ObjectHelper.isEmpty(config.getOpenedSuffix()) && ObjectHelper.isEmpty(config.getInProgressPrefix())) {
            throw unsupported("inProgressPrefix and openedSuffix are both empty: a file being written would look complete");
        }
        if (config.getFileFormat().isWholeFile()) {
            checkWholeFile(config);
        } else {
            checkCodec(config.getCompressionCodec());
        }
        checkKerberos(config);
    }

    /** camel-hdfs: IDLE:ms, BYTES:n and MESSAGES:n separated by commas. */
    static void applySplitStrategy(HdfsConfiguration config, String strategy) {
        for (String rule : strategy.split(",")) {
            String[] parts = rule.trim().split(":");
            if (parts.length != 2) {
                throw unsupported("splitStrategy rule '" + rule + "' is not TYPE:VALUE (IDLE, BYTES or MESSAGES)");
            }
            long value;
            try {
                value = Long.parseLong(parts[1].trim());
            } catch (NumberFormatException e) {
                throw unsupported("splitStrategy rule '" + rule + "' has no numeric value");
            }
            switch (parts[0].trim().toUpperCase(Locale.ROOT)) {
                case "IDLE" -> config.setRollIdle(value);
                case "BYTES" -> config.setRollSize(value);
                case "MESSAGES" -> config.setRollCount(value);
                default -> throw unsupported("splitStrategy type '" + parts[0] + "' is unknown (IDLE, BYTES or MESSAGES)");
            }
        }
    }

    private static void resolveExistingFilePolicy(HdfsConfiguration config) {
        ExistingFilePolicy fromLegacy = null;
        if (config.isAppend()) {
            if (Boolean.TRUE.equals(config.getOverwrite())) {
                throw unsupported("append=true and overwrite=true contradict each other");
            }
            fromLegacy = ExistingFilePolicy.APPEND;
        } else if (config.getOverwrite() != null) {
            fromLegacy = config.getOverwrite() ? ExistingFilePolicy.OVERWRITE : ExistingFilePolicy.FAIL;
        }
        if (fromLegacy == null) {
            return;
        }
        if (config.getExistingFilePolicy() != ExistingFilePolicy.UNIQUE && config.getExistingFilePolicy() != fromLegacy) {
            throw unsupported("existingFilePolicy=" + config.getExistingFilePolicy() + " contradicts append/overwrite ("
                    + fromLegacy + ")");
        }
        config.setExistingFilePolicy(fromLegacy);
    }

    /** Avro and Parquet files are written whole, once: nothing can be appended to one. */
    private static void checkWholeFile(HdfsConfiguration config) {
        if (config.getExistingFilePolicy() == ExistingFilePolicy.APPEND) {
            throw unsupported("existingFilePolicy=APPEND (append=true) cannot be used with fileFormat="
                    + config.getFileFormat() + ": such a file is complete with its footer and is written whole, once");
        }
        requirePositive("parquetRowGroupSize", config.getParquetRowGroupSize(), false);
        requirePositive("parquetPageSize", config.getParquetPageSize(), false);
    }

    private static void checkCodec(HdfsCompressionCodec codec) {
        CompressionCodec instance = codec.create(new Configuration(false));
        if (instance == null) {
            return;
        }
        try (var out = instance.createOutputStream(java.io.OutputStream.nullOutputStream())) {
            out.write(new byte[] { 1 });
            out.finish();
        } catch (Exception | LinkageError e) {
            throw unsupported("compressionCodec=" + codec + " cannot be used in this JVM (" + e.getMessage()
                    + "): use GZIP, BZIP2 or DEFLATE");
        }
    }

    private static void checkKerberos(HdfsConfiguration config) {
        boolean user = ObjectHelper.isNotEmpty(config.getKerberosUsername());
        boolean keytab = ObjectHelper.isNotEmpty(config.getKerberosKeytabLocation());
        if (user != keytab) {
            throw unsupported("Kerberos needs both kerberosUsername and kerberosKeytabLocation");
        }
        if (keytab && !Files.isReadable(Paths.get(config.getKerberosKeytabLocation()))) {
            throw unsupported("the keytab " + config.getKerberosKeytabLocation() + " is not a readable file");
        }
        if (ObjectHelper.isNotEmpty(config.getKerberosConfigFileLocation())
                && !Files.isReadable(Paths.get(config.getKerberosConfigFileLocation()))) {
            throw unsupported("the Kerberos configuration " + config.getKerberosConfigFileLocation() + " is not a readable file");
        }
    }

    private static void requirePositive(String name, long value, boolean zeroAllowed) {
        if (value < 0 || (!zeroAllowed && value == 0)) {
            throw unsupported(name + " must be " + (zeroAllowed ? "0 or more" : "more than 0") + ", was " + value);
        }
    }

    private static void requireNameSafe(String name, String value) {
        if (value != null && (value.contains("/") || value.chars().anyMatch(Character::isISOControl))) {
            throw unsupported(name + " must not contain / or control characters");
        }
    }

    static String unescape(String value) {
        return value == null ? null : value.replace("\\n", "\n").replace("\\r", "\r").replace("\\t", "\t");
    }

    static IllegalArgumentException unsupported(String message) {
        return new IllegalArgumentException("hdfs: " + message);
    }
}
