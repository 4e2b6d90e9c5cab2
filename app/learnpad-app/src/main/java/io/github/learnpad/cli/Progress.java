package io.github.learnpad.cli;

import io.github.learnpad.training.TrainingProgress;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;
import java.util.Locale;

/** How a training run shows its progress on stderr (the {@code --progress} option). */
public enum Progress {
    /** A progress bar when stderr is a terminal, else one line per epoch (CI logs stay readable). */
    AUTO,
    /** Always a progress bar (redrawn with carriage returns), and one line per epoch. */
    BAR,
    /** One line per epoch. */
    LINES,
    /** Nothing. */
    NONE;

    /** The mode AUTO resolves to here. */
    Progress resolve() {
        if (this != AUTO) {
            return this;
        }
        return System.console() != null ? BAR : LINES;
    }

    /** The library's progress listener for this mode, writing to {@code out}. */
    TrainingProgress on(PrintStream out) {
        switch (resolve()) {
            case NONE:
                return TrainingProgress.NONE;
            case LINES:
                return TrainingProgress.lines(out);
            default:
                return new Bar(out);
        }
    }

    /** Lines, plus a per-epoch bar: epoch, batch i/n, ETA, last loss and mean local padding loss. */
    private static final class Bar implements TrainingProgress {
        private final PrintStream out;
        private final TrainingProgress lines;

        Bar(PrintStream out) {
            this.out = out;
            this.lines = TrainingProgress.lines(out);
        }

        @Override
        public void message(String text) {
            lines.message(text);
        }

        @Override
        public void epochDone(io.github.learnpad.training.EpochMetrics m, int epochs) {
            lines.epochDone(m, epochs);
        }

        @Override
        public Epoch epochStarted(int epoch, int epochs, long batches) {
            // With a fixed width the consumer does not query the terminal (no jline warning when stderr is a pipe).
            ConsoleProgressBarConsumer consumer = System.console() != null ? new ConsoleProgressBarConsumer(out)
                    : new ConsoleProgressBarConsumer(out, 110);
            ProgressBar bar = new ProgressBarBuilder()
                    .setTaskName(String.format("epoch %d/%d", epoch, epochs))
                    .setInitialMax(batches > 0 ? batches : -1)
                    .setStyle(ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(500)
                    .setUnit(" batches", 1)
                    .setConsumer(consumer)
                    .build();
            return new Epoch() {
                @Override
                public void batchDone(double loss, double meanLocalLoss) {
                    bar.setExtraMessage(Double.isFinite(meanLocalLoss)
                            ? String.format(Locale.ROOT, "loss %.4f pad %.5f", loss, meanLocalLoss)
                            : String.format(Locale.ROOT, "loss %.4f", loss));
                    bar.step();
                }

                @Override
                public void close() {
                    bar.close();
                }
            };
        }
    }
}
