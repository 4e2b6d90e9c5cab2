package io.github.learnpad.train;

import io.github.learnpad.layers.PaddingModule;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A DL4J training listener that records, at every iteration, the network's minibatch score and each Padding Module's
 * last local loss ({@link PaddingModule#lastLocalLosses}). {@link #startEpoch()} clears the per-epoch sums.
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

    @Override
    public void iterationDone(Model model, int iteration, int epoch) {
        epochIterations.add(new Iteration(iteration, model.score(), new LinkedHashMap<>(PaddingModule.lastLocalLosses(model))));
    }

    /** Forgets the iterations recorded so far (call at the start of each epoch). */
    public void startEpoch() {
        epochIterations.clear();
    }

    /** The iterations recorded since {@link #startEpoch()}. */
    public List<Iteration> iterations() {
        return Collections.unmodifiableList(epochIterations);
    }

    /** The last recorded iteration, or null. */
    public Iteration last() {
        return epochIterations.isEmpty() ? null : epochIterations.get(epochIterations.size() - 1);
    }

    /** Mean score over the recorded iterations (NaN if none). */
    public double meanScore() {
        return epochIterations.stream().mapToDouble(Iteration::score).average().orElse(Double.NaN);
    }

    /** Per module, the mean of its finite local losses over the recorded iterations (NaN if it had none). */
    public Map<String, Double> meanLocalLosses() {
        Map<String, double[]> acc = new LinkedHashMap<>();
        for (Iteration it : epochIterations) {
            it.localLosses.forEach((k, v) -> {
                double[] a = acc.computeIfAbsent(k, kk -> new double[2]);
                if (Double.isFinite(v)) {
                    a[0] += v;
                    a[1]++;
                }
            });
        }
        Map<String, Double> out = new LinkedHashMap<>();
        acc.forEach((k, a) -> out.put(k, a[1] > 0 ? a[0] / a[1] : Double.NaN));
        return out;
    }
}
