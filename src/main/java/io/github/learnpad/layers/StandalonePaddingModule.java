package io.github.learnpad.layers;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Padding Module outside a network: pads images and trains its predictor on their local loss alone (no labels).
 * Used to see what learned padding looks like on images, and to measure how realistic it is.
 *
 * <p>Parameters, gradients and updater state live in flat arrays laid out as in a DL4J network, and an update is
 * what DL4J's updater does: {@code params -= updater(localLossGradient)}.
 */
public final class StandalonePaddingModule {
    private final PaddingModule conf;
    private final INDArray params;
    private final INDArray grads;
    private final Map<String, INDArray> paramTable;
    private final Map<String, INDArray> gradTable;
    private final GradientUpdater<?> updater;
    private int iteration;

    /**
     * @param conf     the module's configuration (copied; its channel count is set to {@code channels})
     * @param channels C of the images it will pad
     */
    public StandalonePaddingModule(PaddingModule conf, long channels) {
        this(conf, channels, DataType.FLOAT);
    }

    public StandalonePaddingModule(PaddingModule conf, long channels, DataType dataType) {
        if (channels <= 0) {
            throw new IllegalArgumentException("channels must be > 0, got " + channels);
        }
        this.conf = conf.clone();
        this.conf.setNChannels(channels);
        NeuralNetConfiguration nnc = new NeuralNetConfiguration.Builder().dataType(dataType).layer(this.conf).build();
        ParamInitializer init = this.conf.initializer();
        long n = init.numParams(nnc);
        this.params = Nd4j.create(dataType, 1, Math.max(1, n));
        this.grads = Nd4j.create(dataType, 1, Math.max(1, n));
        this.paramTable = n == 0 ? Map.of() : init.init(nnc, params, true);
        this.gradTable = n == 0 ? Map.of() : init.getGradientsFromFlattened(nnc, grads);
        long stateSize = this.conf.getPredictorUpdater().stateSize(n);
        INDArray state = stateSize == 0 ? null : Nd4j.create(dataType, 1, stateSize);
        this.updater = this.conf.getPredictorUpdater().instantiate(state, true);
    }

    /** The configuration, with the channel count set. */
    public PaddingModule conf() {
        return conf;
    }

    /** Pads {@code x (N, C, H, W)} to {@code (N, C, H+top+bottom, W+left+right)} (inference: nothing changes). */
    public INDArray pad(INDArray x) {
        check(x);
        INDArray out = Nd4j.create(x.dataType(), conf.amounts().paddedShape(x.shape()));
        BorderPredictor.forward(conf, paramTable, x, out, "standalone");
        return out;
    }

    /** The local loss of {@code x} under the current predictor (no update). */
    public double localLoss(INDArray x) {
        check(x);
        Map<String, INDArray> scratch = new LinkedHashMap<>();
        gradTable.forEach((k, v) -> scratch.put(k, v.ulike()));
        return BorderPredictor.localLoss(conf, paramTable, x, scratch);
    }

    /**
     * One update of the predictor from the local loss of {@code x (N, C, H, W)}; returns the loss before the
     * update (NaN, and no update, if the images are too small to form a training pair).
     */
    public double fitLocal(INDArray x) {
        check(x);
        double loss = BorderPredictor.localLoss(conf, paramTable, x, gradTable);
        if (Double.isNaN(loss) || paramTable.isEmpty()) {
            return loss;
        }
        updater.applyUpdater(grads, iteration++, 0);
        params.subi(grads);
        return loss;
    }

    /**
     * LearnPad's one way to fit a standalone module: {@code steps} updates ({@link #fitLocal(INDArray)}), each on
     * {@code min(batchSize, N)} images of {@code images (N, C, H, W)} drawn at random with replacement (a
     * {@code java.util.Random} seeded with {@code seed}, so the same arguments give the same module).
     */
    public void fitLocal(INDArray images, int steps, int batchSize, long seed) {
        check(images);
        if (steps < 0 || batchSize < 1) {
            throw new IllegalArgumentException("steps must be >= 0 and batchSize >= 1, got " + steps + " and "
                    + batchSize);
        }
        java.util.Random rnd = new java.util.Random(seed);
        int n = (int) images.size(0);
        int bs = Math.min(batchSize, n);
        for (int s = 0; s < steps; s++) {
            long[] idx = new long[bs];
            for (int i = 0; i < bs; i++) {
                idx[i] = rnd.nextInt(n);
            }
            fitLocal(images.get(org.nd4j.linalg.indexing.NDArrayIndex.indices(idx),
                    org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                    org.nd4j.linalg.indexing.NDArrayIndex.all()).dup());
        }
    }

    /** Copies of the predictor parameters by name ({@code topW}, {@code topB}, ...). */
    public Map<String, INDArray> params() {
        Map<String, INDArray> copy = new LinkedHashMap<>();
        paramTable.forEach((k, v) -> copy.put(k, v.dup()));
        return copy;
    }

    /** The live parameter table (views), for {@link BorderPredictor#predictEdge}. */
    public Map<String, INDArray> paramTable() {
        return paramTable;
    }

    private void check(INDArray x) {
        if (x.rank() != 4 || x.size(1) != conf.getNChannels()) {
            throw new IllegalArgumentException("expected images (N, " + conf.getNChannels() + ", H, W), got shape "
                    + Arrays.toString(x.shape()));
        }
    }
}
