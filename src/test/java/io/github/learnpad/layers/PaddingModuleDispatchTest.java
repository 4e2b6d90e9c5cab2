package io.github.learnpad.layers;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.Map;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * The runtime layer picks its implementation of the passes once and keeps it (DL4J's helper idiom): inside
 * {@code fit()}, with DL4J's default workspaces, every forward and backward pass of every step runs through the one
 * instance chosen at the first pass, and the backward pass enters the passes once per step.
 */
class PaddingModuleDispatchTest {

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void thePassesAreChosenOnceAndUsedByEveryPass(boolean channelMixing) {
        CountingModule module = new CountingModule(new PaddingModule.Builder().padding(1).channelMixing(channelMixing)
                .predictorUpdater(new Sgd(0.05)));
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(5).dataType(DataType.FLOAT)
                .updater(new Sgd(0.05)).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(3).activation(Activation.TANH).build())
                .layer(module)
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(3).activation(Activation.TANH).build())
                .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(9, 8, 2)).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        CountingLayer layer = (CountingLayer) net.getLayer(1);
        int steps = 3;
        for (int i = 0; i < steps; i++) {
            net.fit(PaddingModuleTrainingTest.data(i, 4, 2, 9, 8, false));
        }
        assertEquals(1, layer.choices, "one choice of the passes, at the first pass");
        assertSame(layer.counting, layer.passes(DataType.FLOAT), "the layer keeps the instance it chose");
        assertEquals(steps, layer.counting.forwards, "every training forward through the chosen passes");
        assertEquals(steps, layer.counting.backwards, "one backward entry per step, through the chosen passes");
        net.output(PaddingModuleTrainingTest.data(9, 4, 2, 9, 8, false).getFeatures());
        assertEquals(1, layer.choices, "inference too uses the kept passes");
        assertEquals(steps + 1, layer.counting.forwards);
    }

    /** A Padding Module whose runtime layer counts its choices of the passes and the calls into them. */
    static final class CountingModule extends PaddingModule {
        CountingModule() {
        }

        CountingModule(PaddingModule.Builder b) {
            super(b);
        }

        @Override
        PaddingModuleLayer newRuntimeLayer(NeuralNetConfiguration conf, DataType dt) {
            return new CountingLayer(conf, dt);
        }
    }

    static final class CountingLayer extends PaddingModuleLayer {
        int choices;
        CountingPasses counting;

        CountingLayer(NeuralNetConfiguration conf, DataType dt) {
            super(conf, dt);
        }

        @Override
        PaddingPasses choosePasses(DataType dt) {
            choices++;
            counting = new CountingPasses(super.choosePasses(dt));
            return counting;
        }
    }

    /** Delegates to the chosen passes, counting the runtime layer's entries. */
    static final class CountingPasses implements PaddingPasses {
        final PaddingPasses chosen;
        int forwards;
        int backwards;

        CountingPasses(PaddingPasses chosen) {
            this.chosen = chosen;
        }

        @Override
        public boolean supports(PaddingModule conf, DataType dt) {
            return chosen.supports(conf, dt);
        }

        @Override
        public LocalLossResult forward(PaddingModule conf, PredictorWeights weights, INDArray x, INDArray out,
                                       String layerName, boolean training) {
            forwards++;
            return chosen.forward(conf, weights, x, out, layerName, training);
        }

        @Override
        public double localLoss(PaddingModule conf, PredictorWeights weights, INDArray x, Map<String, INDArray> grads) {
            return chosen.localLoss(conf, weights, x, grads);
        }

        @Override
        public INDArray inputGradient(PaddingModule conf, PredictorWeights weights, INDArray x, INDArray eps,
                                      Supplier<INDArray> fresh, String layerName) {
            backwards++;
            return chosen.inputGradient(conf, weights, x, eps, fresh, layerName);
        }

        @Override
        public INDArray backwardInPlace(PaddingModule conf, PredictorWeights weights, INDArray x, INDArray eps,
                                        String layerName) {
            throw new AssertionError("the layer enters the backward pass through inputGradient only");
        }

        @Override
        public void backward(PaddingModule conf, PredictorWeights weights, INDArray x, INDArray eps, INDArray dx,
                             String layerName) {
            throw new AssertionError("the layer enters the backward pass through inputGradient only");
        }

        @Override
        public boolean keepsChannelMajor(INDArray x) {
            return chosen.keepsChannelMajor(x);
        }
    }
}
