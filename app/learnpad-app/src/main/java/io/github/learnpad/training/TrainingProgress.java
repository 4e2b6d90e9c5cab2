package io.github.learnpad.training;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Objects;

/**
 * What a {@link Trainer} or {@link Comparison} reports while it runs: messages, minibatches and finished epochs.
 * The library prints plain lines ({@link #lines(PrintStream)}) or nothing ({@link #NONE}); the LearnPad command line
 * adds a progress bar through this interface, so the library itself needs no console library.
 */
public interface TrainingProgress {
    /** Reports nothing. */
    TrainingProgress NONE = new TrainingProgress() {
    };

    /** Messages and one line per finished epoch on {@code out}; nothing per minibatch (logs stay readable). */
    static TrainingProgress lines(PrintStream out) {
        Objects.requireNonNull(out, "out");
        return new TrainingProgress() {
            @Override
            public void message(String text) {
                out.println("learnpad: " + text);
            }

            @Override
            public void epochDone(EpochMetrics m, int epochs) {
                out.println(epochLine(m, epochs));
            }
        };
    }

    /** A one-line message, e.g. which run starts or which checkpoint is resumed. */
    default void message(String text) {
    }

    /**
     * Epoch {@code epoch} of {@code epochs} (1-based) starts; {@code batches} minibatches, or -1 if unknown. The
     * trainer reports each minibatch to the returned {@link Epoch} and closes it when the epoch's training ends.
     */
    default Epoch epochStarted(int epoch, int epochs, long batches) {
        return Epoch.NONE;
    }

    /** Epoch {@code m.epoch()} of {@code epochs} is trained and evaluated. */
    default void epochDone(EpochMetrics m, int epochs) {
    }

    /** The usual one-line summary of an epoch. */
    static String epochLine(EpochMetrics m, int epochs) {
        double local = m.meanLocalLoss();
        return String.format(Locale.ROOT, "epoch %d/%d: train loss %.4f, test loss %.4f, test accuracy %.4f, "
                        + "%.1f s%s", m.epoch(), epochs, m.trainLoss(), m.testLoss(), m.testAccuracy(), m.seconds(),
                Double.isFinite(local) ? String.format(Locale.ROOT, ", padding local loss %.5f", local) : "");
    }

    /** The minibatches of one epoch. */
    interface Epoch extends AutoCloseable {
        /** Ignores the minibatches. */
        Epoch NONE = (loss, meanLocalLoss) -> {
        };

        /**
         * One minibatch was fitted: its loss, and the mean local loss of the network's Padding Modules (NaN when it
         * has none).
         */
        void batchDone(double loss, double meanLocalLoss);

        @Override
        default void close() {
        }
    }
}
