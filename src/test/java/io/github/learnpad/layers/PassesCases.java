package io.github.learnpad.layers;

import io.github.learnpad.layers.PaddingModule.LocalLoss;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.Random;

import static io.github.learnpad.layers.TestArrays.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Cases and checks the tests of the passes' implementations share. */
final class PassesCases {
    private PassesCases() {
    }

    /**
     * Geometries that reach every branch of the passes: {@code {t, b, l, r, k, w, h, wd, loss}} (padding, context
     * depth, window width, input height and width, local loss).
     */
    static Object[][] geometries() {
        return new Object[][]{
                {1, 1, 1, 1, 2, 3, 7, 9, LocalLoss.MSE},
                {2, 0, 1, 3, 2, 3, 6, 5, LocalLoss.MSE},
                {3, 3, 3, 3, 2, 3, 8, 8, LocalLoss.L1},
                {0, 2, 0, 0, 1, 3, 5, 4, LocalLoss.MSE},
                {0, 0, 2, 1, 3, 3, 6, 7, LocalLoss.MSE},
                {1, 2, 2, 1, 2, 5, 9, 6, LocalLoss.MSE},
                {2, 1, 1, 2, 3, 1, 5, 5, LocalLoss.L1},
                // a window wider than some borders: taps clamp at both ends
                {1, 1, 1, 1, 2, 7, 4, 6, LocalLoss.MSE},
                // too small for the context (k = 3): replicate fallback on every side, and no training pair
                {1, 1, 2, 2, 3, 3, 2, 3, LocalLoss.MSE},
                // a pair on the rows only
                {1, 1, 1, 1, 2, 3, 5, 2, LocalLoss.MSE},
                // borders of length 2 and 1
                {1, 1, 1, 1, 1, 3, 2, 2, LocalLoss.MSE},
                {2, 2, 1, 1, 1, 3, 1, 4, LocalLoss.MSE},
                // a window far wider than short borders (lengths 2 and 3, w = 7)
                {1, 1, 1, 1, 1, 7, 2, 3, LocalLoss.MSE},
                {1, 1, 1, 1, 2, 3, 6, 6, LocalLoss.NONE}};
    }

    /**
     * Inside {@code fit()} with DL4J's default workspaces, the same small network (a Padding Module configured by
     * {@code module}, then a convolution, pooling and a softmax output) with the module's implementation
     * {@code candidate} trains like it does with {@code reference}: every parameter agrees to float rounding after
     * 4 steps, the predictor did train, and the last local losses agree.
     */
    static void assertTrainsAlike(PaddingModule.Builder module, PaddingModule.Implementation reference,
                                  PaddingModule.Implementation candidate) {
        MultiLayerNetwork ref = net(module, reference);
        MultiLayerNetwork cand = net(module, candidate);
        cand.setParams(ref.params().dup());
        Random rnd = new Random(3);
        for (int i = 0; i < 4; i++) {
            INDArray x = random(rnd, 4, 2, 8, 7);
            INDArray y = Nd4j.zeros(DataType.FLOAT, 4, 3);
            for (int j = 0; j < 4; j++) {
                y.putScalar(j, (i + j) % 3, 1);
            }
            ref.fit(new DataSet(x, y));
            cand.fit(new DataSet(x, y));
        }
        double scale = ref.params().amaxNumber().doubleValue();
        double diff = ref.params().sub(cand.params()).amaxNumber().doubleValue();
        assertTrue(diff <= 1e-4 * scale, "parameters after 4 steps differ by " + diff);
        double moved = cand.getLayer(0).params().sub(net(module, candidate).getLayer(0).params())
                .amaxNumber().doubleValue();
        assertTrue(moved > 1e-4, "the predictor trained (moved " + moved + ")");
        assertEquals(LocalLosses.last(ref.getLayer(0)), LocalLosses.last(cand.getLayer(0)),
                1e-5 * Math.abs(LocalLosses.last(ref.getLayer(0))));
    }

    /** The network of {@link #assertTrainsAlike}. */
    static MultiLayerNetwork net(PaddingModule.Builder module, PaddingModule.Implementation impl) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(7)
                .dataType(DataType.FLOAT).updater(new Sgd(0.05)).trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED).list()
                .layer(module.predictorUpdater(new Sgd(0.05)).implementation(impl).build())
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(3).activation(Activation.TANH).build())
                .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(8, 7, 2)).build());
        net.init();
        return net;
    }
}
