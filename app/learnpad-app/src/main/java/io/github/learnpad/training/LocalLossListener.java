package io.github.learnpad.training;

import io.github.learnpad.layers.LocalLosses;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A DL4J training listener that records, at every iteration, the network's minibatch score and each Padding Module's
 * last local loss ({@link LocalLosses#of}). {@link #startEpoch()} clears the per-epoch sums.
 * Thread-safe: with the command line's {@code ParallelTraining} (learnpad-app) every worker calls it, with its own copy of the network.
 */
public final class LocalLossListener extends BaseTrainingListener {
    /** One iteration's record. */
    public static final class Iteration {
        private final int iteration;
        private final double score;
        private final Map<String, Double> localLosses;

        Iteration(int iteration, double score, Map<String, Double> localLosses) {
            this.iteration = iteration;
            this.score = score;
            this.localLosses = Collections.unmodifiableMap(localLosses);
        }

        public int iteration() { return iteration; }
        public double score() { return score; }
        public Map<String, Double> localLosses() { return localLosses; }
    }

    private final List<Iteration> epochIterations = new ArrayList<>();
    private Consumer<Iteration> onIteration;

    @Override
    public synchronized void iterationDone(Model model, int iteration, int epoch) {
        Iteration it = new Iteration(iteration, model.score(), new LinkedHashMap<>(LocalLosses.of(model)));
        epochIterations.add(it);
        if (onIteration != null) {
            onIteration.accept(it);
        }
    }

    /** Forgets the iterations recorded so far (call at the start of each epoch). */
    public synchronized void startEpoch() {
        epochIterations.clear();
    }

    /** Also hands every new iteration to {@code c} (null: none), under this listener's lock. */
    public synchronized void onIteration(Consumer<Iteration> c) {
        this.onIteration = c;
    }

    /** The iterations recorded since {@link #startEpoch()}, in the order they finished. */
    public synchronized List<Iteration> iterations() {
        return Collections.unmodifiableList(new ArrayList<>(epochIterations));
    }

    /** The last recorded iteration, or null. */
    public synchronized Iteration last() {
        return epochIterations.isEmpty() ? null : epochIterations.get(epochIterations.size() - 1);
    }

    /**
     * Mean score over the recorded iterations (NaN if none). Means are summed in ascending order of the values: with
     * several workers the iterations arrive in thread-timing order, and the sum must not depend on it.
     */
    public synchronized double meanScore() {
        return orderFreeMean(epochIterations.stream().mapToDouble(Iteration::score).toArray());
    }

    /** Per module, the mean of its finite local losses over the recorded iterations (NaN if it had none). */
    public synchronized Map<String, Double> meanLocalLosses() {
        Map<String, List<Double>> acc = new LinkedHashMap<>();
        for (Iteration it : epochIterations) {
            it.localLosses.forEach((k, v) -> {
                List<Double> a = acc.computeIfAbsent(k, kk -> new ArrayList<>());
                if (Double.isFinite(v)) {
                    a.add(v);
                }
            });
        }
        Map<String, Double> out = new LinkedHashMap<>();
        acc.forEach((k, a) -> out.put(k, orderFreeMean(a.stream().mapToDouble(Double::doubleValue).toArray())));
        return out;
    }

    private static double orderFreeMean(double[] v) {
        if (v.length == 0) {
            return Double.NaN;
        }
        java.util.Arrays.sort(v);
        double sum = 0;
        for (double d : v) {
            sum += d;
        }
        return sum / v.length;
    }
}
