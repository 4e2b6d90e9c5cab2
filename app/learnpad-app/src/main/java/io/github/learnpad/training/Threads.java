package io.github.learnpad.training;

import org.nd4j.linalg.factory.Nd4j;

/**
 * Limits ND4J's native thread pools. On a loaded machine (more busy threads than cores) ND4J's default of one
 * thread per core made a small CNN about ten times slower than one thread; results are the same either way.
 */
public final class Threads {
    private Threads() {
    }

    /** Use at most {@code n >= 1} threads for ND4J operations (this process, from now on). */
    public static void limit(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("thread count must be >= 1, got " + n);
        }
        Nd4j.getEnvironment().setMaxThreads(n);
        Nd4j.getEnvironment().setMaxMasterThreads(n);
    }
}
