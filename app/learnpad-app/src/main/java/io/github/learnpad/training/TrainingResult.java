package io.github.learnpad.training;

import org.deeplearning4j.nn.api.Model;

import java.util.List;

/** The outcome of {@link Trainer#train}: the trained network and every epoch's metrics. */
public final class TrainingResult {
    private final Model net;
    private final List<EpochMetrics> metrics;
    private final int resumedFromEpoch;
    private final long numParams;

    TrainingResult(Model net, List<EpochMetrics> metrics, int resumedFromEpoch) {
        this.net = net;
        this.metrics = List.copyOf(metrics);
        this.resumedFromEpoch = resumedFromEpoch;
        this.numParams = net.numParams();
    }

    /**
     * A finished run known only from its record ({@link RunRecord}): its metrics and parameter count, no network.
     */
    public static TrainingResult recorded(List<EpochMetrics> metrics, long numParams) {
        return new TrainingResult(metrics, numParams);
    }

    private TrainingResult(List<EpochMetrics> metrics, long numParams) {
        if (metrics.isEmpty()) {
            throw new IllegalArgumentException("a recorded run needs at least one epoch's metrics");
        }
        this.net = null;
        this.metrics = List.copyOf(metrics);
        this.resumedFromEpoch = 0;
        this.numParams = numParams;
    }

    /**
     * The trained network (on resume, the one restored from the checkpoint and trained further); null for a run
     * read back from its {@link RunRecord}.
     */
    public Model net() { return net; }
    /** Epochs 1..N in order (those before a resume come from the checkpoint). */
    public List<EpochMetrics> metrics() { return metrics; }
    /** The checkpoint epoch training continued from, 0 for a fresh run. */
    public int resumedFromEpoch() { return resumedFromEpoch; }
    /** The last epoch's metrics. */
    public EpochMetrics last() { return metrics.get(metrics.size() - 1); }
    /** Sum of the epochs' training seconds. */
    public double trainSeconds() { return metrics.stream().mapToDouble(EpochMetrics::seconds).sum(); }
    /** Number of parameters (including the Padding Modules' predictors). */
    public long numParams() { return numParams; }
}
