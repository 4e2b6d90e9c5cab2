package io.github.learnpad.eval;

import io.github.learnpad.data.ImageDataset;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Test-set accuracy and mean cross-entropy of a classifier with a softmax output. */
public final class Evaluator {
    private Evaluator() {
    }

    /** Accuracy and loss over a whole dataset. */
    public static final class Result {
        private final double accuracy;
        private final double loss;
        private final int count;

        public Result(double accuracy, double loss, int count) {
            this.accuracy = accuracy;
            this.loss = loss;
            this.count = count;
        }

        /** Fraction of images whose arg-max class is the label. */
        public double accuracy() { return accuracy; }
        /** Mean of {@code -ln p(label)} (probabilities clipped at 1e-12 so a confident mistake stays finite). */
        public double loss() { return loss; }
        public int count() { return count; }
    }

    /**
     * Runs the network in inference mode over {@code data} in batches of {@code batchSize}.
     *
     * @param net a ComputationGraph with one input and one softmax output, or a MultiLayerNetwork
     */
    public static Result evaluate(Model net, ImageDataset data, int batchSize) {
        int n = data.size();
        int[] labels = data.labels();
        long correct = 0;
        double lossSum = 0;
        for (int from = 0; from < n; from += batchSize) {
            int to = Math.min(n, from + batchSize);
            INDArray x = data.features().get(NDArrayIndex.interval(from, to), NDArrayIndex.all(), NDArrayIndex.all(),
                    NDArrayIndex.all());
            INDArray p = output(net, x);
            INDArray argmax = p.argMax(1);
            for (int i = 0; i < to - from; i++) {
                int y = labels[from + i];
                if (argmax.getInt(i) == y) {
                    correct++;
                }
                lossSum -= Math.log(Math.max(1e-12, p.getDouble(i, y)));
            }
        }
        return new Result((double) correct / n, lossSum / n, n);
    }

    /** Class probabilities {@code (B, K)} for images {@code (B, C, H, W)}, inference mode. */
    public static INDArray output(Model net, INDArray x) {
        if (net instanceof ComputationGraph) {
            return ((ComputationGraph) net).outputSingle(false, x);
        }
        if (net instanceof MultiLayerNetwork) {
            return ((MultiLayerNetwork) net).output(x, false);
        }
        throw new IllegalArgumentException("expected a ComputationGraph or MultiLayerNetwork, got "
                + net.getClass().getName());
    }
}
