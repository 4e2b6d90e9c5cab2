package io.github.learnpad.train;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;
import java.util.Locale;

/** How a training run shows its progress on stderr. */
public enum Progress {
    /** A progress bar when stderr is a terminal, else one line per epoch (CI logs stay readable). */
    AUTO,
    /** Always a progress bar (redrawn with carriage returns). */
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

    /** A per-epoch bar: epoch, batch i/n, ETA, last loss and mean local padding loss. No-op unless BAR. */
    EpochBar epochBar(PrintStream out, int epoch, int epochs, long batches) {
        if (resolve() != BAR) {
            return new EpochBar(null);
        }
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
        return new EpochBar(bar);
    }

    /** One epoch's bar (or nothing). */
    static final class EpochBar implements AutoCloseable {
        private final ProgressBar bar;

        EpochBar(ProgressBar bar) {
            this.bar = bar;
        }

        void step(double loss, double meanLocalLoss) {
            if (bar == null) {
                return;
            }
            bar.setExtraMessage(Double.isFinite(meanLocalLoss)
                    ? String.format(Locale.ROOT, "loss %.4f pad %.5f", loss, meanLocalLoss)
                    : String.format(Locale.ROOT, "loss %.4f", loss));
            bar.step();
        }

        @Override
        public void close() {
            if (bar != null) {
                bar.close();
            }
        }
    }
}
