package io.github.learnpad.ui;

import org.deeplearning4j.core.storage.StatsStorage;
import org.deeplearning4j.ui.model.storage.FileStatsStorage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Opening DL4J stats files ({@link FileStatsStorage}: a MapDB file with a write-ahead log, locked by the process
 * that has it open) with errors that say what to do.
 */
public final class StatsFiles {
    private StatsFiles() {
    }

    /** Opens (or creates) {@code file} for a training run to write into. */
    public static StatsStorage openForWriting(Path file) throws IOException {
        if (isLocked(file)) {
            throw new IllegalStateException(file + " is locked by another process (a training still writing it, or "
                    + "'learnpad ui' reading it?); stop that process, or train into another --out");
        }
        try {
            return new FileStatsStorage(file.toFile());
        } catch (RuntimeException e) {
            throw new IOException("cannot open the stats file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Opens a copy of a finished run's stats file, made in {@code scratch}: reading never changes the run's own file
     * (opening a MapDB file replays and rewrites its log). Refuses a file that a running training holds locked,
     * without touching it: a copy taken mid-write could be inconsistent.
     *
     * @throws IllegalArgumentException if there is no such file, or it is locked
     */
    public static StatsStorage openCopy(Path file, Path scratch) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no stats in " + file.getParent() + " (" + file.getFileName()
                    + " is missing): the run was trained without --ui or --stats; train it again with --stats to "
                    + "record DL4J's statistics");
        }
        if (isLocked(file)) {
            throw new IllegalArgumentException(file + " is being written by a running training (the file is locked)"
                    + "; watch that run live with its own --ui, or reopen it with 'learnpad ui' when it has "
                    + "finished. The file was not touched");
        }
        Files.createDirectories(scratch);
        Path copy = scratch.resolve(FILE_NAME);
        for (Path f : siblings(file)) {
            Files.copy(f, scratch.resolve(f.getFileName().toString().replace(file.getFileName().toString(),
                    FILE_NAME)), StandardCopyOption.REPLACE_EXISTING);
        }
        try {
            return new FileStatsStorage(copy.toFile());
        } catch (RuntimeException e) {
            throw new IOException(file + " is not a readable DL4J stats file: " + e.getMessage(), e);
        }
    }

    private static final String FILE_NAME = StatsRecording.FILE;

    /** The file and its MapDB write-ahead log files ({@code NAME.wal.N}). */
    private static List<Path> siblings(Path file) throws IOException {
        List<Path> out = new ArrayList<>();
        out.add(file);
        String prefix = file.getFileName() + ".wal.";
        try (Stream<Path> s = Files.list(file.toAbsolutePath().getParent())) {
            s.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().forEach(out::add);
        }
        return out;
    }

    /**
     * Whether another process (or this one) holds {@code file} open with MapDB's lock. False if it does not exist.
     * Takes no lock of its own beyond a momentary test.
     */
    public static boolean isLocked(Path file) throws IOException {
        if (!Files.exists(file)) {
            return false;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock lock = ch.tryLock();
            if (lock == null) {
                return true;
            }
            lock.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true; // held by this JVM
        }
    }
}
