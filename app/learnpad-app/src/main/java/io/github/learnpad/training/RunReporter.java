package io.github.learnpad.training;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes extra files for a finished training run or comparison into its directory, after {@link Trainer} and
 * {@link Comparison} wrote their own (metrics, checkpoints, model, results tables). The LearnPad command line draws
 * its charts through this interface; the library writes no pictures of its own here.
 */
public interface RunReporter {
    /** Writes nothing. */
    RunReporter NONE = new RunReporter() {
    };

    /**
     * A {@link Trainer} run finished.
     *
     * @param metrics one entry per epoch, in order
     * @param title   the run's name ({@code runInfo} "name", else the directory's name)
     * @param dir     the run directory
     */
    default void runFinished(List<EpochMetrics> metrics, String title, Path dir) throws IOException {
    }

    /** A {@link Comparison} finished and wrote results.md and results.json into {@code dir}. */
    default void comparisonFinished(ComparisonResult result, Path dir) throws IOException {
    }
}
