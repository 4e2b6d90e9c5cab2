package io.github.learnpad.bench;

import io.github.learnpad.layers.PaddingMode;
import io.github.learnpad.models.SmallCnn;
import io.github.learnpad.parallel.ParallelTraining;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Training throughput (images per second) of one worker against N workers ({@link ParallelTraining}), measured
 * alternately in one run.
 *
 * <pre>
 * OMP_WAIT_POLICY=PASSIVE java -cp target/classes:target/lib/* io.github.learnpad.bench.ParallelBenchmark \
 *     [--workers 2] [--mode averaging|shared-gradients] [--padding learned] [--batch 32] [--batches 32]
 *     [--size 28] [--width 16] [--rounds 5] [--worker-threads T]
 * </pre>
 *
 * <p>Each round trains a fresh SmallCnn for one epoch of {@code batches} random minibatches
 * {@code (batch, 1, size, size)} (random one-hot labels over 10 classes) twice: on one worker ({@code fit} per
 * minibatch on the calling thread) and with {@code workers} workers (averaging every round). The first round warms
 * up and is not counted. {@code --worker-threads T} limits ND4J (and the Padding Module's passes) to T threads
 * while the N workers train (the one worker keeps ND4J's default, one per core). Prints the median images per second of both and the median of the per-round ratios
 * (N workers / 1 worker), which is robust to load that changes between rounds.
 */
public final class ParallelBenchmark {
    private ParallelBenchmark() {
    }

    public static void main(String[] args) {
        int workers = 2;
        ParallelTraining.Mode mode = ParallelTraining.Mode.AVERAGING;
        PaddingMode padding = PaddingMode.LEARNED;
        int batch = 32;
        int batches = 32;
        int size = 28;
        int width = 16;
        int rounds = 5;
        int workerThreads = 0;
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value after " + args[i]);
            }
            String v = args[i + 1];
            switch (args[i]) {
                case "--workers": workers = Integer.parseInt(v); break;
                case "--mode": mode = ParallelTraining.Mode.valueOf(v.toUpperCase(Locale.ROOT).replace('-', '_')); break;
                case "--padding": padding = PaddingMode.valueOf(v.toUpperCase(Locale.ROOT)); break;
                case "--batch": batch = Integer.parseInt(v); break;
                case "--batches": batches = Integer.parseInt(v); break;
                case "--size": size = Integer.parseInt(v); break;
                case "--width": width = Integer.parseInt(v); break;
                case "--rounds": rounds = Integer.parseInt(v); break;
                case "--worker-threads": workerThreads = Integer.parseInt(v); break;
                default: throw new IllegalArgumentException("unknown option " + args[i]
                        + " (--workers, --mode, --padding, --batch, --batches, --size, --width, --rounds, --worker-threads)");
            }
        }
        if (workers < 2 || rounds < 2 || batches < workers) {
            throw new IllegalArgumentException("need --workers >= 2, --rounds >= 2 and --batches >= --workers");
        }
        Nd4j.getRandom().setSeed(1);
        List<DataSet> data = new ArrayList<>();
        for (int b = 0; b < batches; b++) {
            INDArray y = Nd4j.zeros(DataType.FLOAT, batch, 10);
            for (int i = 0; i < batch; i++) {
                y.putScalar(i, (i * 7 + b) % 10, 1.0);
            }
            data.add(new DataSet(Nd4j.rand(DataType.FLOAT, batch, 1, size, size), y));
        }
        ParallelTraining pt = ParallelTraining.builder().workers(workers).mode(mode).averagingFrequency(1).build();
        double[] one = new double[rounds - 1];
        double[] many = new double[rounds - 1];
        double[] ratio = new double[rounds - 1];
        long images = (long) batch * batches;
        org.nd4j.linalg.factory.Environment env = Nd4j.getEnvironment();
        int defaultThreads = env.maxThreads(), defaultMasterThreads = env.maxMasterThreads();
        for (int r = 0; r < rounds; r++) {
            env.setMaxThreads(defaultThreads);
            env.setMaxMasterThreads(defaultMasterThreads);
            ComputationGraph a = network(padding, size, width);
            long t0 = System.nanoTime();
            for (DataSet ds : data) {
                a.fit(ds);
            }
            double s1 = (System.nanoTime() - t0) / 1e9;
            ComputationGraph b = network(padding, size, width);
            if (workerThreads > 0) {
                env.setMaxThreads(workerThreads);
                env.setMaxMasterThreads(workerThreads);
            }
            t0 = System.nanoTime();
            pt.fitEpoch(b, new ListDataSetIterator<>(data, 1), 1);
            double sn = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "round %d%s: 1 worker %.1f images/s, %d workers %.1f images/s%n", r,
                    r == 0 ? " (warm-up)" : "", images / s1, workers, images / sn);
            if (r > 0) {
                one[r - 1] = images / s1;
                many[r - 1] = images / sn;
                ratio[r - 1] = s1 / sn;
            }
        }
        System.out.printf(Locale.ROOT, "%n| padding | mode | batch | 1 worker (images/s) | %d workers (images/s) | "
                        + "ratio of medians | median of round ratios |%n| --- | --- | --- | --- | --- | --- | --- |%n"
                        + "| %s | %s | %d | %.1f | %.1f | %.2f | %.2f |%n", workers, padding.id(), mode.id(), batch,
                median(one), median(many), median(many) / median(one), median(ratio));
    }

    private static ComputationGraph network(PaddingMode padding, int size, int width) {
        return SmallCnn.builder().numClasses(10).inputShape(1, size, size).baseWidth(width).padding(padding)
                .seed(42).build().init();
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
