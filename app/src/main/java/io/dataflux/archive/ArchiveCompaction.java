package io.dataflux.archive;

import java.io.IOException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * Rewrites the small files of the archive's closed partitions (directories under a {@code dt=yyyy-MM-dd} directory of
 * a day before the given one) into files of about a target size, per directory and per format (JSON lines, Avro,
 * Parquet), by write-then-rename: the new file is written under a hidden in-progress name, renamed to its final
 * name, then the files it replaces are deleted.
 * <p>
 * Not atomic for readers: between the rename and the last delete, a reader listing the directory sees the rows of the
 * files being replaced twice (never none). A plan file ({@code _compact-<id>.plan}) lists the replaced files before the
 * rename, so a compaction that died half-way is finished by the next one: its replaced files are deleted if its new
 * file was committed, or its unfinished new file is deleted if not. This class plans (which files, in which groups);
 * {@link FileGroupRewriter} rewrites and commits each group.
 */
public final class ArchiveCompaction {

    private static final Pattern DAY = Pattern.compile("dt=(\\d{4}-\\d{2}-\\d{2})");

    private final FileSystem fs;
    private final long targetBytes;
    private final boolean dryRun;
    private final FileGroupRewriter rewriter;

    /** What one directory's compaction did (or would do, in a dry run). */
    public record Result(Path directory, int filesBefore, int filesAfter, long rows) {
    }

    public ArchiveCompaction(FileSystem fs, long targetBytes, boolean dryRun) {
        this.fs = fs;
        this.targetBytes = targetBytes;
        this.dryRun = dryRun;
        this.rewriter = new FileGroupRewriter(fs);
    }

    /** Compacts every directory under {@code archive} whose day is before {@code today}. */
    public List<Result> compactBefore(Path archive, LocalDate today) throws IOException {
        List<Result> results = new ArrayList<>();
        if (!fs.exists(archive)) {
            return results;
        }
        Map<Path, List<FileStatus>> byDirectory = new TreeMap<>();
        RemoteIterator<LocatedFileStatus> files = fs.listFiles(archive, true);
        while (files.hasNext()) {
            LocatedFileStatus file = files.next();
            LocalDate day = dayOf(file.getPath());
            if (day != null && day.isBefore(today)) {
                byDirectory.computeIfAbsent(file.getPath().getParent(), dir -> new ArrayList<>()).add(file);
            }
        }
        for (Map.Entry<Path, List<FileStatus>> directory : byDirectory.entrySet()) {
            if (!dryRun) {
                rewriter.finishInterrupted(directory.getValue());
            }
            Result result = compactDirectory(directory.getKey(), committedFiles(directory.getKey()));
            if (result != null) {
                results.add(result);
            }
        }
        return results;
    }

    private Result compactDirectory(Path dir, List<FileStatus> files) throws IOException {
        Map<String, List<FileStatus>> byKind = new TreeMap<>();
        for (FileStatus file : files) {
            String kind = kindOf(file.getPath().getName());
            if (kind != null && file.getLen() < targetBytes) {
                byKind.computeIfAbsent(kind, k -> new ArrayList<>()).add(file);
            }
        }
        int before = 0;
        int after = 0;
        long rows = 0;
        for (Map.Entry<String, List<FileStatus>> kind : byKind.entrySet()) {
            for (List<FileStatus> group : groups(kind.getValue())) {
                before += group.size();
                after++;
                rows += dryRun ? 0 : rewriter.rewrite(dir, kind.getKey(), group);
            }
        }
        return before == 0 ? null : new Result(dir, before, after, rows);
    }

    /** Files in name order, packed into groups of at most the target size; a group of one file is left alone. */
    private List<List<FileStatus>> groups(List<FileStatus> files) {
        files.sort((a, b) -> a.getPath().getName().compareTo(b.getPath().getName()));
        List<List<FileStatus>> groups = new ArrayList<>();
        List<FileStatus> group = new ArrayList<>();
        long size = 0;
        for (FileStatus file : files) {
            if (!group.isEmpty() && size + file.getLen() > targetBytes) {
                groups.add(group);
                group = new ArrayList<>();
                size = 0;
            }
            group.add(file);
            size += file.getLen();
        }
        groups.add(group);
        groups.removeIf(g -> g.size() < 2);
        return groups;
    }

    private List<FileStatus> committedFiles(Path dir) throws IOException {
        List<FileStatus> files = new ArrayList<>();
        for (FileStatus file : fs.listStatus(dir)) {
            String name = file.getPath().getName();
            if (file.isFile() && !name.startsWith("_") && !name.startsWith(".")) {
                files.add(file);
            }
        }
        return files;
    }

    /** The day of the nearest dt=yyyy-MM-dd directory above the file, or null. */
    static LocalDate dayOf(Path file) {
        for (Path dir = file.getParent(); dir != null; dir = dir.getParent()) {
            Matcher day = DAY.matcher(dir.getName());
            if (day.matches()) {
                try {
                    return LocalDate.parse(day.group(1));
                } catch (DateTimeParseException notADay) {
                    return null;
                }
            }
        }
        return null;
    }

    /** What files combine: .parquet, .avro, and JSON lines with their codec's extension (.jsonl, .jsonl.gz, ...). */
    static String kindOf(String name) {
        if (name.endsWith(".parquet")) {
            return ".parquet";
        }
        if (name.endsWith(".avro")) {
            return ".avro";
        }
        int jsonl = name.lastIndexOf(".jsonl");
        return jsonl < 0 ? null : name.substring(jsonl);
    }
}
