package io.github.learnpad.training;

import io.github.learnpad.OneDnn;
import io.github.learnpad.data.ImageDataset;
import io.github.learnpad.eval.Evaluator;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Trains a network for a number of epochs, evaluating on a test set after each, and writes a run directory:
 * <pre>
 * out/run.json                the run's {@code runInfo} ({@link RunMetadata}), when runInfo is not empty
 * out/metrics.jsonl           one {@link EpochMetrics} JSON line per epoch (rewritten atomically each epoch)
 * out/checkpoints/epoch-N.*   the network + updater after each epoch (see {@link Checkpoints}), newest two kept
 * out/model.zip               the final network (ModelSerializer, with updater), when all epochs are done
 * </pre>
 * Progress goes to a {@link TrainingProgress} (default: lines on the {@link Builder#log log}); a {@link RunReporter}
 * may add files to the run directory at the end (the command line's charts).
 *
 * <p>Reproducibility: epoch {@code e} starts by seeding ND4J's global random generator with
 * {@link #epochRngSeed(long, int)} (dropout, random init inside layers), and takes its minibatches from
 * {@link EpochBatches#forEpoch(int)}, which is seeded per epoch. Together with the checkpointed parameters and
 * updater state this makes {@code resume(true)} after an interruption produce exactly the metrics of an
 * uninterrupted run with the same seed (wall-clock seconds aside).
 *
 * <pre>{@code
 * TrainingResult r = Trainer.builder()
 *         .train(trainSet, 64).test(testSet)
 *         .epochs(5).seed(42).outDir(Path.of("runs/zero"))
 *         .build().train(net);
 * }</pre>
 */
public final class Trainer {
    private final EpochBatches batches;
    private final long batchesPerEpoch;
    private final ImageDataset test;
    private final int epochs;
    private final long seed;
    private final Path outDir;
    private final boolean resume;
    private final int evalBatchSize;
    private final TrainingProgress progress;
    private final PrintStream log;
    private final EpochListener epochListener;
    private final Map<String, Object> runInfo;
    private final RunReporter reporter;
    private final EpochFitter fitter;
    private final RunListeners runListeners;

    /** Called after each epoch is evaluated and checkpointed. */
    @FunctionalInterface
    public interface EpochListener {
        void epochDone(EpochMetrics metrics, Model net) throws Exception;
    }

    private Trainer(Builder b) {
        this.batches = Objects.requireNonNull(b.batches, "Trainer: batches(...) must be set");
        this.batchesPerEpoch = b.batchesPerEpoch;
        this.test = Objects.requireNonNull(b.test, "Trainer: test(...) must be set");
        this.outDir = Objects.requireNonNull(b.outDir, "Trainer: outDir(...) must be set");
        if (b.epochs < 1) {
            throw new IllegalArgumentException("epochs must be >= 1, got " + b.epochs);
        }
        this.epochs = b.epochs;
        this.seed = b.seed;
        this.resume = b.resume;
        this.evalBatchSize = b.evalBatchSize;
        this.log = Objects.requireNonNull(b.log, "Trainer: log(...) must not be null");
        this.progress = b.progress != null ? b.progress : TrainingProgress.lines(log);
        this.epochListener = b.epochListener;
        this.runInfo = new LinkedHashMap<>(b.runInfo);
        this.reporter = Objects.requireNonNull(b.reporter, "Trainer: reporter(...) must not be null");
        this.fitter = b.fitter;
        this.runListeners = b.runListeners;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The ND4J random seed at the start of epoch {@code epoch} (1-based) of a run with seed {@code seed}. */
    public static long epochRngSeed(long seed, int epoch) {
        return seed * 1000003L + epoch;
    }

    public Path metricsFile() {
        return outDir.resolve("metrics.jsonl");
    }

    public Path modelFile() {
        return outDir.resolve("model.zip");
    }

    public Checkpoints checkpoints() {
        return new Checkpoints(outDir.resolve("checkpoints"));
    }

    /**
     * Trains {@code initial} (a {@link ComputationGraph} or {@link MultiLayerNetwork}); with {@code resume(true)} and
     * a usable checkpoint in the output directory, continues the checkpointed network instead (and {@code initial}
     * only serves to check that the checkpoint is of the same architecture).
     *
     * @throws IllegalStateException if the output directory holds checkpoints and resume is off, or the checkpoint
     *                               does not match {@code initial} or the seed
     */
    public TrainingResult train(Model initial) throws IOException {
        if (!(initial instanceof ComputationGraph) && !(initial instanceof MultiLayerNetwork)) {
            throw new IllegalArgumentException("Trainer trains a ComputationGraph or MultiLayerNetwork, got "
                    + initial.getClass().getName());
        }
        OneDnn.logFallbacks(initial); // one line if some of its layers cannot use the oneDNN helpers
        Files.createDirectories(outDir);
        Checkpoints ckpts = checkpoints();
        Model net = initial;
        List<EpochMetrics> metrics = new ArrayList<>();
        int start = 1;
        if (resume) {
            Optional<Checkpoints.Checkpoint> c = ckpts.latestGood(log);
            if (c.isPresent()) {
                Checkpoints.Checkpoint cp = c.get();
                if (cp.seed() != seed) {
                    throw new IllegalStateException("the checkpoint in " + ckpts.dir() + " was made with seed "
                            + cp.seed() + ", not " + seed + "; resume with --seed " + cp.seed() + " or use a new --out");
                }
                if (cp.epoch() > epochs) {
                    throw new IllegalStateException("the checkpoint in " + ckpts.dir() + " is at epoch " + cp.epoch()
                            + ", beyond the " + epochs + " epochs asked for; resume with --epochs " + cp.epoch()
                            + " or more");
                }
                net = initial instanceof ComputationGraph ? cp.loadGraph() : cp.loadMultiLayer();
                if (net.numParams() != initial.numParams()) {
                    throw new IllegalStateException("the checkpoint in " + ckpts.dir() + " is a different network ("
                            + net.numParams() + " parameters, expected " + initial.numParams()
                            + "); use the same model options as the interrupted run or a new --out");
                }
                metrics.addAll(cp.metrics());
                start = cp.epoch() + 1;
                message("resuming from " + cp.model() + " (epoch " + cp.epoch() + " of " + epochs + ")");
            } else {
                message("no checkpoint in " + ckpts.dir() + ": starting from epoch 1");
            }
        } else if (!ckpts.isEmpty()) {
            throw new IllegalStateException(outDir + " already holds checkpoints of a run; continue it with --resume "
                    + "or choose another output directory");
        }
        int resumedFrom = start - 1;
        if (!runInfo.isEmpty()) {
            RunMetadata.write(outDir, runInfo);
        }
        writeMetrics(metrics);

        LocalLossListener listener = new LocalLossListener();
        Collection<TrainingListener> before = listeners(net);
        List<TrainingListener> withOurs = new ArrayList<>(before);
        withOurs.add(listener);
        if (runListeners != null) {
            withOurs.addAll(runListeners.open(outDir, String.valueOf(outDir.toAbsolutePath().getFileName()),
                    resumedFrom > 0));
        }
        setListeners(net, withOurs);
        try {
            for (int epoch = start; epoch <= epochs; epoch++) {
                metrics.add(trainEpoch(net, epoch, listener));
                writeMetrics(metrics);
                ckpts.save(net, epoch, seed, metrics, runInfo);
                if (epochListener != null) {
                    try {
                        epochListener.epochDone(metrics.get(metrics.size() - 1), net);
                    } catch (RuntimeException | IOException e) {
                        throw e;
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        } finally {
            setListeners(net, new ArrayList<>(before));
            if (runListeners != null) {
                runListeners.runEnded(outDir);
            }
        }
        Path last = ckpts.dir().resolve(String.format("epoch-%04d.zip", epochs));
        if (Files.exists(last)) {
            AtomicFiles.write(modelFile(), out -> Files.copy(last, out));
        }
        reporter.runFinished(metrics, String.valueOf(runInfo.getOrDefault("name", outDir.getFileName())), outDir);
        return new TrainingResult(net, metrics, resumedFrom);
    }

    private EpochMetrics trainEpoch(Model net, int epoch, LocalLossListener listener) {
        Nd4j.getRandom().setSeed(epochRngSeed(seed, epoch));
        setEpochCount(net, epoch - 1);
        listener.startEpoch();
        DataSetIterator it = batches.forEpoch(epoch);
        long t0 = System.nanoTime();
        try (TrainingProgress.Epoch bar = progress.epochStarted(epoch, epochs, batchesPerEpoch)) {
            if (fitter != null) {
                listener.onIteration(last -> bar.batchDone(last.score(), meanFinite(last)));
                try {
                    fitter.fitEpoch(net, it, epoch);
                } finally {
                    listener.onIteration(null);
                }
                for (LocalLossListener.Iteration i : listener.iterations()) {
                    checkFinite(i, epoch);
                }
            } else {
                while (it.hasNext()) {
                    DataSet ds = it.next();
                    fit(net, ds);
                    LocalLossListener.Iteration last = listener.last();
                    if (last == null) {
                        throw new IllegalStateException("the training listener saw no iteration; was it removed?");
                    }
                    checkFinite(last, epoch);
                    bar.batchDone(last.score(), meanFinite(last));
                }
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (listener.iterations().isEmpty()) {
            throw new IllegalStateException("epoch " + epoch + " had no training batches: is the training set empty?");
        }
        Evaluator.Result r = Evaluator.evaluate(net, test, evalBatchSize);
        EpochMetrics m = new EpochMetrics(epoch, listener.meanScore(), r.loss(), r.accuracy(), seconds,
                listener.meanLocalLosses());
        progress.epochDone(m, epochs);
        return m;
    }

    private static void checkFinite(LocalLossListener.Iteration it, int epoch) {
        if (!Double.isFinite(it.score())) {
            throw new IllegalStateException("training diverged at epoch " + epoch + " (loss " + it.score()
                    + "); lower the learning rate");
        }
    }

    private static double meanFinite(LocalLossListener.Iteration it) {
        return it.localLosses().values().stream().filter(Double::isFinite).mapToDouble(Double::doubleValue).average()
                .orElse(Double.NaN);
    }

    private void writeMetrics(List<EpochMetrics> metrics) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (EpochMetrics m : metrics) {
            sb.append(m.toJsonLine()).append('\n');
        }
        AtomicFiles.writeString(metricsFile(), sb.toString());
    }

    private void message(String s) {
        progress.message(s);
    }

    private static void fit(Model net, DataSet ds) {
        if (net instanceof ComputationGraph) {
            ((ComputationGraph) net).fit(ds);
        } else {
            ((MultiLayerNetwork) net).fit(ds);
        }
    }

    private static void setEpochCount(Model net, int count) {
        if (net instanceof ComputationGraph) {
            ((ComputationGraph) net).getConfiguration().setEpochCount(count);
        } else {
            ((MultiLayerNetwork) net).getLayerWiseConfigurations().setEpochCount(count);
        }
    }

    private static Collection<TrainingListener> listeners(Model net) {
        Collection<TrainingListener> l = net instanceof ComputationGraph ? ((ComputationGraph) net).getListeners()
                : ((MultiLayerNetwork) net).getListeners();
        return l == null ? new ArrayList<>() : new ArrayList<>(l);
    }

    private static void setListeners(Model net, Collection<TrainingListener> l) {
        if (net instanceof ComputationGraph) {
            ((ComputationGraph) net).setListeners(l);
        } else {
            ((MultiLayerNetwork) net).setListeners(l);
        }
    }

    /** Builder for {@link Trainer}. */
    public static final class Builder {
        private EpochBatches batches;
        private ImageDataset trainData;
        private int batchSize;
        private long batchesPerEpoch = -1;
        private ImageDataset test;
        private int epochs = 1;
        private long seed = 42;
        private Path outDir;
        private boolean resume;
        private int evalBatchSize = 256;
        private TrainingProgress progress;
        private PrintStream log = System.err;
        private EpochListener epochListener;
        private final Map<String, Object> runInfo = new LinkedHashMap<>();
        private RunReporter reporter = RunReporter.NONE;
        private EpochFitter fitter;
        private RunListeners runListeners;

        /** The training minibatches, reproducible per epoch. */
        public Builder batches(EpochBatches b) { this.batches = b; return this; }

        /** Batches per epoch, for the progress bar's ETA (unknown if not set). */
        public Builder batchesPerEpoch(long n) { this.batchesPerEpoch = n; return this; }

        /** Training on a dataset with shuffled {@link ImageBatchEpochs} (no augmentation). */
        public Builder train(ImageDataset train, int batchSize) {
            this.trainData = train;
            this.batchSize = batchSize;
            this.batchesPerEpoch = (train.size() + batchSize - 1) / batchSize;
            return this;
        }

        /** The test set evaluated after each epoch. */
        public Builder test(ImageDataset t) { this.test = t; return this; }

        public Builder epochs(int e) { this.epochs = e; return this; }

        /** Seeds ND4J's random generator per epoch, and the shuffling of {@link #train(ImageDataset, int)}. */
        public Builder seed(long s) { this.seed = s; return this; }

        /** Run directory (metrics.jsonl, checkpoints/, model.zip). */
        public Builder outDir(Path d) { this.outDir = d; return this; }

        /** Continue from the newest usable checkpoint in outDir (a fresh start if there is none). */
        public Builder resume(boolean r) { this.resume = r; return this; }

        public Builder evalBatchSize(int n) { this.evalBatchSize = n; return this; }

        /** How progress is shown (default: {@link TrainingProgress#lines} on the {@link #log log}). */
        public Builder progress(TrainingProgress p) { this.progress = p; return this; }

        /** Where warnings about damaged checkpoints, and by default progress, go (default stderr). */
        public Builder log(PrintStream s) { this.log = s; return this; }

        public Builder epochListener(EpochListener l) { this.epochListener = l; return this; }

        /** Values written to run.json and saved with every checkpoint (e.g. the command-line options of the run). */
        public Builder runInfo(Map<String, ?> info) { this.runInfo.putAll(info); return this; }

        /** Adds files to the run directory when the run is finished (default: none). */
        public Builder reporter(RunReporter r) { this.reporter = r; return this; }

        /**
         * Runs each epoch's minibatches with {@code f} (e.g. the command line's {@code ParallelTraining} (learnpad-app) for several workers) instead of
         * fitting them one by one on the calling thread (null, the default).
         */
        public Builder fitter(EpochFitter f) { this.fitter = f; return this; }

        /**
         * Extra listeners opened for the run with its directory (default: none), e.g. the command line's recording
         * of DL4J training statistics. Not with {@link #fitter(EpochFitter)}: the workers' copies would share them.
         */
        public Builder runListeners(RunListeners l) { this.runListeners = l; return this; }

        public Trainer build() {
            if (runListeners != null && fitter != null) {
                throw new IllegalArgumentException("Trainer: runListeners(...) cannot be combined with fitter(...): "
                        + "the workers' copies of the network would share the listeners");
            }
            if (batches == null && trainData != null) {
                batches = ImageBatchEpochs.training(trainData, batchSize, seed, false);
            }
            return new Trainer(this);
        }
    }
}
