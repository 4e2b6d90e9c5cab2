package io.github.learnpad.cli;

import io.github.learnpad.training.Threads;
import picocli.CommandLine.Option;

/**
 * {@code --threads}: how many threads ND4J computes with. A picocli mixin of every command that trains or
 * evaluates ({@code train}, {@code compare}, {@code demo}, {@code eval}, {@code robustness}, {@code realism}), so
 * the option, its check and its effect are written once.
 */
public final class ThreadsOption {
    /** The thread count; 0 leaves ND4J's default, one per core. */
    @Option(names = "--threads", defaultValue = "0",
            description = "ND4J threads (0: one per core). On a busy machine 1 can be much faster.")
    int count;

    /** Refuses a negative count, then limits ND4J to the count (0: leaves it as it is). */
    void apply() {
        TrainingOptions.require(count >= 0, "--threads must be >= 0, got " + count);
        if (count > 0) {
            Threads.limit(count);
        }
    }
}
