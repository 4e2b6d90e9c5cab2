package io.github.learnpad.ui;

import io.github.learnpad.training.RunListeners;
import org.deeplearning4j.core.storage.StatsStorage;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.ui.model.stats.StatsListener;
import org.deeplearning4j.ui.model.stats.impl.DefaultStatsUpdateConfiguration;
import org.deeplearning4j.ui.model.storage.FileStatsStorage;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Records DL4J's training statistics for every run into {@code RUN_DIR/stats.dl4j} (DL4J's {@link FileStatsStorage})
 * with a {@link StatsListener} (session = the run directory's name) and a {@link LocalLossRecorder}, and shows them in
 * a {@link LiveUi} if one is given. {@code learnpad ui RUN_DIR} reopens the file later.
 *
 * <p>A resumed run appends to its file: the iterations between its last checkpoint and the interruption appear twice
 * (DL4J's charts draw them in order of arrival). A fresh run finding an old file (a run that failed before its first
 * checkpoint) moves it to {@code stats.dl4j.previous} first, so two runs never mix in one session.
 *
 * <p>Storages stay open (and shown) until {@link #close()}: the UI keeps showing finished runs of a comparison.
 */
public final class StatsRecording implements RunListeners, AutoCloseable {
    /** The stats file in a run directory. */
    public static final String FILE = "stats.dl4j";

    private final int frequency;
    private final LiveUi ui;
    private final PrintStream log;
    private final Map<Path, StatsStorage> open = new LinkedHashMap<>();

    /**
     * @param frequency DL4J's reporting frequency: statistics every {@code frequency} iterations
     * @param ui        where to show them live, or null to record only
     * @param log       where to say that a previous stats file was moved aside
     */
    public StatsRecording(int frequency, LiveUi ui, PrintStream log) {
        if (frequency < 1) {
            throw new IllegalArgumentException("--stats-every must be >= 1, got " + frequency);
        }
        this.frequency = frequency;
        this.ui = ui;
        this.log = log;
    }

    public int frequency() {
        return frequency;
    }

    @Override
    public synchronized List<TrainingListener> open(Path runDir, String session, boolean resumed) throws IOException {
        Path file = runDir.resolve(FILE);
        if (!resumed && Files.exists(file)) {
            Path aside = runDir.resolve(FILE + ".previous");
            Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
            log.println("learnpad: " + file + " is from an earlier start of this run; moved it to " + aside);
        }
        StatsStorage storage = StatsFiles.openForWriting(file);
        open.put(runDir, storage);
        if (ui != null) {
            ui.attach(storage);
        }
        List<TrainingListener> l = new ArrayList<>();
        l.add(new StatsListener(storage, null, new DefaultStatsUpdateConfiguration.Builder()
                .reportingFrequency(frequency).build(), session, null));
        l.add(new LocalLossRecorder(storage, session, frequency));
        return l;
    }

    @Override
    public synchronized void runEnded(Path runDir) {
        if (ui == null) {
            closeQuietly(open.remove(runDir));
        }
    }

    /** Closes every storage still open (after the UI has stopped). */
    @Override
    public synchronized void close() {
        open.values().forEach(StatsRecording::closeQuietly);
        open.clear();
    }

    private static void closeQuietly(StatsStorage s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException | RuntimeException e) {
                System.err.println("learnpad: WARNING: closing a stats file failed: " + e);
            }
        }
    }
}
