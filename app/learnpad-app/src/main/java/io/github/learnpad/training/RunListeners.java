package io.github.learnpad.training;

import org.deeplearning4j.optimize.api.TrainingListener;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Extra DL4J training listeners for one {@link Trainer} run, opened with the run's directory (e.g. the command line's
 * {@code StatsListener} writing the run's {@code stats.dl4j} for DL4J's training UI). They only observe: the metrics
 * of a run must not depend on them.
 */
public interface RunListeners {
    /**
     * The listeners for a run, before its first epoch.
     *
     * @param runDir  the run directory (it exists)
     * @param session the run's name, unique within its comparison: the run directory's file name
     * @param resumed true when the run continues from a checkpoint, false for a fresh start
     */
    List<TrainingListener> open(Path runDir, String session, boolean resumed) throws IOException;

    /** The run has ended (normally or not); its listeners are removed from the network. */
    void runEnded(Path runDir);
}
