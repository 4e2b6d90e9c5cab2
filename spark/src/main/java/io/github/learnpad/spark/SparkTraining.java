package io.github.learnpad.spark;

import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.parameterserver.training.SharedTrainingMaster;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.threshold.FixedThresholdAlgorithm;
import org.nd4j.parameterserver.distributed.conf.VoidConfiguration;

/**
 * LearnPad networks on Spark with DL4J's parameter averaging: each executor thread trains a copy of the network on
 * {@code averagingFrequency} minibatches of {@code batchSizePerWorker} examples, then the driver averages the copies'
 * parameters and updater states (the Padding Modules' predictors and their own updater state included) and sends the
 * average out again.
 *
 * <pre>{@code
 * SparkComputationGraph spark = SparkTraining.builder().batchSizePerWorker(32).examplesPerDataSet(32)
 *         .averagingFrequency(5).seed(42).build().wrap(sc, net);
 * spark.fitPaths(paths);                      // DataSet files, e.g. on HDFS or S3
 * ComputationGraph trained = spark.getNetwork();
 * }</pre>
 *
 * <p>With a fixed {@code seed} the split of the data between workers does not depend on anything else, so two runs
 * that differ only in their labels give the first Padding Module's predictor bit-for-bit the same weights (tested on
 * {@code local[2]}: see docs/distributed.md).
 */
public final class SparkTraining {
    private final int batchSizePerWorker;
    private final int examplesPerDataSet;
    private final int averagingFrequency;
    private final long seed;
    private final Integer workers;

    private SparkTraining(Builder b) {
        if (b.batchSizePerWorker < 1 || b.examplesPerDataSet < 1 || b.averagingFrequency < 1) {
            throw new IllegalArgumentException("SparkTraining: batchSizePerWorker, examplesPerDataSet and "
                    + "averagingFrequency must be >= 1, got " + b.batchSizePerWorker + ", " + b.examplesPerDataSet
                    + ", " + b.averagingFrequency);
        }
        if (b.workers != null && b.workers < 1) {
            throw new IllegalArgumentException("SparkTraining: workers must be >= 1, got " + b.workers);
        }
        this.batchSizePerWorker = b.batchSizePerWorker;
        this.examplesPerDataSet = b.examplesPerDataSet;
        this.averagingFrequency = b.averagingFrequency;
        this.seed = b.seed;
        this.workers = b.workers;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * DL4J's parameter-averaging training master with these settings (the updater state is averaged too), for
     * {@code workers} executor threads.
     */
    public ParameterAveragingTrainingMaster trainingMaster(int workers) {
        return new ParameterAveragingTrainingMaster.Builder(workers, examplesPerDataSet)
                .batchSizePerWorker(batchSizePerWorker)
                .averagingFrequency(averagingFrequency)
                .saveUpdater(true)
                .workerPrefetchNumBatches(0)
                .repartionData(Repartition.Always)
                // Direct: the RDD's DataSets go to the workers as they are, no export to a temporary directory.
                .rddTrainingApproach(RDDTrainingApproach.Direct)
                .rngSeed(seed)
                .build();
    }

    /**
     * DL4J's gradient-sharing training master (threshold-encoded updates exchanged between executors over Aeron UDP)
     * with a fixed threshold of 1e-3, {@code workersPerNode} training threads per executor, and the builder's batch
     * size and seed. It trains LearnPad networks, but runs are not repeatable: two runs with the same data ended with
     * the first predictor 0.027 apart on {@code local[2]}, as far apart as runs with different labels, so the
     * predictor isolation cannot be checked exactly (docs/distributed.md). Prefer {@link #trainingMaster(int)}.
     *
     * <p>Sets the system property {@code aeron.publication.unblock.timeout} to 60 s unless it is set: nd4j's transport
     * sets Aeron's client liveness timeout to 30 s, and Aeron refuses to start with its default unblock timeout (15 s)
     * below that.
     */
    public SharedTrainingMaster sharedTrainingMaster(VoidConfiguration transport, int workersPerNode) {
        if (System.getProperty("aeron.publication.unblock.timeout") == null) {
            System.setProperty("aeron.publication.unblock.timeout", "60000000000");
        }
        return new SharedTrainingMaster.Builder(transport, workersPerNode, new FixedThresholdAlgorithm(1e-3),
                examplesPerDataSet)
                .batchSizePerWorker(batchSizePerWorker)
                .workersPerNode(workersPerNode)
                .rngSeed(seed)
                .rddTrainingApproach(RDDTrainingApproach.Direct)
                .build();
    }

    /**
     * {@code net} (initialised) ready to train on Spark with {@link #trainingMaster(int)}, for the builder's number of
     * workers or else Spark's default parallelism. (Always a number: dl4j-spark 1.0.0-M2's
     * {@code SparkComputationGraph.fitPaths} fails with a NullPointerException when the training master has to find
     * it out itself.)
     */
    public SparkComputationGraph wrap(JavaSparkContext sc, ComputationGraph net) {
        return new SparkComputationGraph(sc, net, trainingMaster(workers != null ? workers : sc.defaultParallelism()));
    }

    /** Builder for {@link SparkTraining}. */
    public static final class Builder {
        private int batchSizePerWorker = 32;
        private int examplesPerDataSet = 32;
        private int averagingFrequency = 5;
        private long seed = 42;
        private Integer workers;

        /** Examples per minibatch on each worker (default 32). */
        public Builder batchSizePerWorker(int n) { this.batchSizePerWorker = n; return this; }

        /** Examples in each DataSet object of the training RDD or DataSet file (default 32). */
        public Builder examplesPerDataSet(int n) { this.examplesPerDataSet = n; return this; }

        /** Minibatches each worker fits between two averagings (default 5). */
        public Builder averagingFrequency(int f) { this.averagingFrequency = f; return this; }

        /** Seeds the split of the data between workers (default 42). */
        public Builder seed(long s) { this.seed = s; return this; }

        /** Executor threads in the cluster (default: Spark's default parallelism). */
        public Builder workers(int n) { this.workers = n; return this; }

        public SparkTraining build() {
            return new SparkTraining(this);
        }
    }
}
