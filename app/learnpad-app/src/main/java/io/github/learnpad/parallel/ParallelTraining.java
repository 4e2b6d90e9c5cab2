package io.github.learnpad.parallel;

import io.github.learnpad.training.EpochFitter;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.threshold.AdaptiveThresholdAlgorithm;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.ThresholdAlgorithm;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.threshold.FixedThresholdAlgorithm;
import org.deeplearning4j.parallelism.ParallelWrapper;
import org.deeplearning4j.parallelism.factory.TrainerContext;
import org.deeplearning4j.parallelism.trainer.DefaultTrainer;
import org.deeplearning4j.parallelism.trainer.SymmetricTrainer;
import org.deeplearning4j.parallelism.trainer.Trainer;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.lang.reflect.Field;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Trains a network with several workers on one machine (CPU cores or GPUs) through DL4J's {@link ParallelWrapper}:
 * each worker trains its own copy of the network on its own minibatches, and the copies are combined either by
 * parameter averaging ({@link Mode#AVERAGING}: parameters and updater state, every {@code averagingFrequency} rounds
 * of one minibatch per worker) or by sharing threshold-encoded updates after every minibatch
 * ({@link Mode#SHARED_GRADIENTS}).
 *
 * <p>Two things differ from a bare {@code ParallelWrapper}, and both are about reproducibility:
 * <ul>
 *   <li><b>Synchronised start.</b> DL4J's workers 2..N copy the network's parameters and updater state on their own
 *   threads while worker 1 already trains the original network, so what they copy (the state before, during or after
 *   worker 1's first update) depended on thread timing: two identical runs could end with different weights. Here
 *   every worker waits, before its first minibatch, until all copies are made.</li>
 *   <li><b>Seeded workers.</b> Each worker thread's ND4J random generator is seeded from {@code seed}, the epoch and
 *   the worker's index (dropout, random layers), where DL4J leaves it unseeded.</li>
 * </ul>
 * Runs with the same settings and data then end with bit-for-bit the same network (tested with 2 workers in both
 * modes; with 3 or more, gradient sharing sums the workers' decoded updates in arrival order, which floating point
 * does not forgive).
 *
 * <p>The Padding Modules' predictors stay trained by their local loss alone under averaging: each worker's predictor
 * gradient comes from its own input only, and the average of label-independent parameters and updater states is
 * label-independent. Under gradient sharing every parameter's update is quantised to multiples of a threshold; this
 * class uses a {@link FixedThresholdAlgorithm} by default, so that the quantisation of a predictor weight depends on
 * that weight's own updates only, where DL4J's default {@link AdaptiveThresholdAlgorithm} adapts one threshold to the
 * whole network's update (which the labels shape). Both kept the first predictor identical across label sets in
 * LearnPad's test; only the fixed one never looks at other parameters' updates to choose it.
 *
 * <p>One call of {@link #fitEpoch} runs a fresh {@code ParallelWrapper} over the iterator, so averaging rounds are
 * counted from the start of every epoch and a resumed run repeats an uninterrupted one. Averaging happens after round
 * {@code averagingFrequency}, {@code 2 * averagingFrequency}, ...; if the epoch's last round is not one of them, what
 * workers 2..N learnt since the last averaging is dropped (worker 1 holds the original network), so pick
 * {@code averagingFrequency} dividing {@code ceil(batches / workers)}.
 *
 * <pre>{@code
 * ParallelTraining pt = ParallelTraining.builder().workers(2).mode(ParallelTraining.Mode.AVERAGING)
 *         .averagingFrequency(1).seed(42).build();
 * pt.fitEpoch(net, trainIterator, 1);   // epoch 1; net holds the averaged result afterwards
 * }</pre>
 *
 * <p>Needs {@code org.deeplearning4j:deeplearning4j-parallel-wrapper} on the class path (an optional dependency of
 * LearnPad: declare it in an application that uses this class).
 */
public final class ParallelTraining implements EpochFitter {
    /** How the workers' copies are combined. */
    public enum Mode {
        /** Parameter and updater-state averaging every {@code averagingFrequency} rounds (DL4J's default mode). */
        AVERAGING,
        /** Threshold-encoded updates shared after every minibatch (DL4J's gradient sharing). */
        SHARED_GRADIENTS;

        /** The CLI spelling ("averaging", "shared-gradients"). */
        public String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private final int workers;
    private final Mode mode;
    private final int averagingFrequency;
    private final int prefetch;
    private final long seed;
    private final ThresholdAlgorithm thresholdAlgorithm;
    private final boolean synchronisedStart;

    private ParallelTraining(Builder b) {
        if (b.workers < 1) {
            throw new IllegalArgumentException("ParallelTraining: workers must be >= 1, got " + b.workers);
        }
        if (b.averagingFrequency < 1) {
            throw new IllegalArgumentException("ParallelTraining: averagingFrequency must be >= 1, got "
                    + b.averagingFrequency);
        }
        if (b.prefetch < 0) {
            throw new IllegalArgumentException("ParallelTraining: prefetch must be >= 0, got " + b.prefetch);
        }
        this.workers = b.workers;
        this.mode = java.util.Objects.requireNonNull(b.mode, "ParallelTraining: mode must not be null");
        this.averagingFrequency = b.averagingFrequency;
        this.prefetch = b.prefetch;
        this.seed = b.seed;
        this.thresholdAlgorithm = java.util.Objects.requireNonNull(b.thresholdAlgorithm,
                "ParallelTraining: thresholdAlgorithm must not be null");
        this.synchronisedStart = b.synchronisedStart;
    }

    public static Builder builder() {
        return new Builder();
    }

    public int workers() { return workers; }
    public Mode mode() { return mode; }
    public int averagingFrequency() { return averagingFrequency; }

    /**
     * Trains {@code net} (a {@link ComputationGraph} or {@link MultiLayerNetwork}) on every minibatch of
     * {@code batches} once, with the workers; {@code net} holds the combined result afterwards. Its training
     * listeners are called by every worker (from the workers' threads, with the worker's copy as the model), so they
     * must be thread-safe.
     *
     * <p>The workers' random generators are seeded from the builder's seed and {@code epoch} (1-based), so each epoch
     * gets its own, repeatable, randomness.
     */
    @Override
    public void fitEpoch(Model net, DataSetIterator batches, int epoch) {
        if (!(net instanceof ComputationGraph) && !(net instanceof MultiLayerNetwork)) {
            throw new IllegalArgumentException("ParallelTraining trains a ComputationGraph or MultiLayerNetwork, got "
                    + (net == null ? "null" : net.getClass().getName()));
        }
        ParallelWrapper.Builder<Model> b = new ParallelWrapper.Builder<>(net)
                .workers(workers)
                .prefetchBuffer(prefetch)
                .workspaceMode(WorkspaceMode.ENABLED)
                .averageUpdaters(true)
                .averagingFrequency(averagingFrequency);
        if (mode == Mode.AVERAGING) {
            b.trainingMode(ParallelWrapper.TrainingMode.AVERAGING);
        } else {
            b.trainingMode(ParallelWrapper.TrainingMode.SHARED_GRADIENTS)
                    .thresholdAlgorithm(thresholdAlgorithm.clone());
        }
        ParallelWrapper pw = b.build();
        try {
            if (synchronisedStart) {
                setTrainerContext(pw, new SynchronisedStart(mode, workers, seed * 1000003L + epoch));
            }
            pw.fit(batches);
        } finally {
            pw.shutdown();
        }
    }

    /**
     * ParallelWrapper's builder replaces any trainer context given to it by its own (DL4J 1.0.0-M2.1), so the
     * synchronised one is put in after building.
     */
    private static void setTrainerContext(ParallelWrapper pw, TrainerContext context) {
        try {
            Field f = ParallelWrapper.class.getDeclaredField("trainerContext");
            f.setAccessible(true);
            f.set(pw, context);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("ParallelTraining needs deeplearning4j-parallel-wrapper 1.0.0-M2.1 "
                    + "(ParallelWrapper.trainerContext not found): " + e, e);
        }
    }

    /**
     * Creates DL4J's trainers (DefaultTrainer for averaging, SymmetricTrainer for gradient sharing) that seed their
     * thread's random generator and wait for each other before their first minibatch.
     */
    static final class SynchronisedStart implements TrainerContext {
        private final Mode mode;
        private final int workers;
        private final long seed;
        private CountDownLatch copied;

        SynchronisedStart(Mode mode, int workers, long seed) {
            this.mode = mode;
            this.workers = workers;
            this.seed = seed;
        }

        @Override
        public void init(Model model, Object... args) {
            // Once per ParallelWrapper.fit(): its workers (and their copies) are made anew each time.
            copied = new CountDownLatch(workers);
        }

        @Override
        public Trainer create(String uuid, int threadId, Model model, int rootDevice, boolean useMDS,
                ParallelWrapper wrapper, WorkspaceMode workspaceMode, int averagingFrequency) {
            Gate gate = new Gate(copied, seed * 1000003L + threadId);
            Trainer t;
            if (mode == Mode.AVERAGING) {
                t = new GatedTrainer(gate, model, uuid, threadId, workspaceMode, wrapper, useMDS, averagingFrequency);
            } else {
                t = new GatedSymmetricTrainer(gate, model, uuid, threadId, workspaceMode, wrapper, useMDS);
            }
            ((Thread) t).setName("LearnPad worker " + threadId);
            ((Thread) t).setDaemon(true);
            return t;
        }

        @Override
        public void finalizeRound(Model originalModel, Model... models) {
        }

        @Override
        public void finalizeTraining(Model originalModel, Model... models) {
        }
    }

    /** The start barrier and the random seed of one worker. */
    static final class Gate {
        private final CountDownLatch copied;
        private final long seed;
        private boolean passed;

        Gate(CountDownLatch copied, long seed) {
            this.copied = copied;
            this.seed = seed;
        }

        private boolean counted;

        /** After the worker's copy is made (DefaultTrainer.postInit runs after it). */
        void copyMade() {
            Nd4j.getRandom().setSeed(seed);
            release();
        }

        /** Counts this worker in, once: after its copy, or when it ends without one (so no other worker waits). */
        synchronized void release() {
            if (!counted) {
                counted = true;
                copied.countDown();
            }
        }

        /** Before each minibatch: the first waits until every worker has made its copy. */
        void beforeMinibatch() {
            if (passed) {
                return;
            }
            try {
                // The copies take milliseconds to seconds (a VGG16 is built from JSON); an hour means a worker died.
                if (!copied.await(1, TimeUnit.HOURS)) {
                    throw new IllegalStateException("ParallelTraining: a worker did not start within an hour");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("ParallelTraining: interrupted while waiting for the workers", e);
            }
            passed = true;
        }
    }

    /** DL4J's averaging trainer, gated. */
    static final class GatedTrainer extends DefaultTrainer {
        private final Gate gate;

        /** What DL4J's DefaultTrainerContext sets through DefaultTrainer's builder. */
        GatedTrainer(Gate gate, Model model, String uuid, int threadId, WorkspaceMode mode, ParallelWrapper wrapper,
                boolean useMDS, int averagingFrequency) {
            this.gate = gate;
            this.originalModel = model;
            this.replicatedModel = model;
            this.threadId = threadId;
            this.parallelWrapper = wrapper;
            this.workspaceMode = mode;
            this.useMDS = useMDS;
            this.uuid = uuid + "_thread_" + threadId;
            this.averagingFrequency = averagingFrequency;
        }

        @Override
        protected void postInit() {
            super.postInit();
            gate.copyMade();
        }

        @Override
        public void run() {
            try {
                super.run();
            } finally {
                gate.release();
            }
        }

        @Override
        protected void fit(org.nd4j.linalg.dataset.api.DataSet dataSet) {
            gate.beforeMinibatch();
            super.fit(dataSet);
        }

        @Override
        protected void fit(MultiDataSet dataSet) {
            gate.beforeMinibatch();
            super.fit(dataSet);
        }
    }

    /** DL4J's gradient-sharing trainer, gated. */
    static final class GatedSymmetricTrainer extends SymmetricTrainer {
        private final Gate gate;

        GatedSymmetricTrainer(Gate gate, Model model, String uuid, int threadId, WorkspaceMode mode,
                ParallelWrapper wrapper, boolean useMDS) {
            super(model, uuid, threadId, mode, wrapper, useMDS);
            this.gate = gate;
        }

        @Override
        protected void postInit() {
            super.postInit();
            gate.copyMade();
        }

        @Override
        public void run() {
            try {
                super.run();
            } finally {
                gate.release();
            }
        }

        @Override
        protected void fit(org.nd4j.linalg.dataset.api.DataSet dataSet) {
            gate.beforeMinibatch();
            super.fit(dataSet);
        }

        @Override
        protected void fit(MultiDataSet dataSet) {
            gate.beforeMinibatch();
            super.fit(dataSet);
        }
    }

    /** Builder for {@link ParallelTraining}. */
    public static final class Builder {
        private int workers = 2;
        private Mode mode = Mode.AVERAGING;
        private int averagingFrequency = 1;
        private int prefetch = -1;
        private long seed = 42;
        private ThresholdAlgorithm thresholdAlgorithm = new FixedThresholdAlgorithm(1e-3);
        private boolean synchronisedStart = true;

        /** Workers (threads, each with a copy of the network); default 2. */
        public Builder workers(int n) { this.workers = n; return this; }

        /** AVERAGING (default) or SHARED_GRADIENTS. */
        public Builder mode(Mode m) { this.mode = m; return this; }

        /** Average after every this many rounds (one minibatch per worker each); default 1. AVERAGING only. */
        public Builder averagingFrequency(int f) { this.averagingFrequency = f; return this; }

        /** Minibatches fetched ahead on a separate thread (default 2 per worker; 0: none). */
        public Builder prefetch(int n) { this.prefetch = n; return this; }

        /** Seeds the workers' random generators (default 42). */
        public Builder seed(long s) { this.seed = s; return this; }

        /**
         * SHARED_GRADIENTS: how the update threshold is chosen. Default {@code new FixedThresholdAlgorithm(1e-3)}
         * (1e-3 is DL4J's usual starting value). DL4J's own default, {@link AdaptiveThresholdAlgorithm}, adapts one
         * threshold to the sparsity of the whole network's update, so the Padding Modules' predictor updates could
         * depend on the network's loss through it.
         */
        public Builder thresholdAlgorithm(ThresholdAlgorithm a) { this.thresholdAlgorithm = a; return this; }

        /**
         * Default true. False leaves DL4J's start as it is (workers copy the network while worker 1 trains it):
         * for the test that shows why the synchronised start is needed.
         */
        Builder synchronisedStart(boolean on) { this.synchronisedStart = on; return this; }

        public ParallelTraining build() {
            if (prefetch < 0) {
                prefetch = 2 * Math.max(1, workers);
            }
            return new ParallelTraining(this);
        }
    }
}
