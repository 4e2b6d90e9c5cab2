package io.github.learnpad.realism;

import io.github.learnpad.layers.PaddingMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Pads images with a fixed mode through the very DL4J layer a network would use ({@code mode.layer(b, b, b, b)}),
 * wrapped in a one-layer network with an identity {@link CnnLossLayer} so that {@code output} returns the padded maps.
 */
public final class FixedPadder {
    private static final int CHUNK = 256;

    private FixedPadder() {
    }

    /**
     * Pads {@code x (N, C, h, w)} by {@code b} on every side with a fixed mode.
     *
     * @return {@code (N, C, h + 2b, w + 2b)} FLOAT
     * @throws IllegalArgumentException for LEARNED, or if the mode cannot pad this much (REFLECT needs
     *                                  {@code b < min(h, w)}, CIRCULAR {@code b <= min(h, w)})
     */
    public static INDArray pad(PaddingMode mode, INDArray x, int b) {
        if (!mode.isFixed()) {
            throw new IllegalArgumentException("FixedPadder pads the fixed modes only, not " + mode);
        }
        long h = x.size(2), w = x.size(3), c = x.size(1);
        long min = Math.min(h, w);
        if (mode == PaddingMode.REFLECT && b >= min) {
            throw new IllegalArgumentException("reflect padding by " + b + " needs a map larger than " + b
                    + " pixels; the centre is " + h + "x" + w + ": use a narrower band");
        }
        if (mode == PaddingMode.CIRCULAR && b > min) {
            throw new IllegalArgumentException("circular padding by " + b + " needs a map of at least " + b
                    + " pixels; the centre is " + h + "x" + w + ": use a narrower band");
        }
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .dataType(DataType.FLOAT)
                .list()
                .layer(mode.layer(b, b, b, b))
                .layer(new CnnLossLayer.Builder().activation(Activation.IDENTITY).build())
                .setInputType(InputType.convolutional(h, w, c))
                .build());
        net.init();
        INDArray xf = x.castTo(DataType.FLOAT);
        long n = x.size(0);
        INDArray out = Nd4j.create(DataType.FLOAT, n, c, h + 2L * b, w + 2L * b);
        for (long from = 0; from < n; from += CHUNK) {
            long to = Math.min(n, from + CHUNK);
            INDArray part = xf.get(NDArrayIndex.interval(from, to), NDArrayIndex.all(), NDArrayIndex.all(),
                    NDArrayIndex.all()).dup();
            out.get(NDArrayIndex.interval(from, to), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all())
                    .assign(net.output(part, false));
        }
        return out;
    }
}
