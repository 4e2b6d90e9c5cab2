package io.github.learnpad.layers;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.ResetPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Speed of the fixed paddings against DL4J's ZeroPaddingLayer on a (32, 64, 32, 32) float input, padding 1: forward +
 * backward of the layer alone in a DL4J workspace (median of 20 after 30 warm-up runs: ND4J's indexing code needs JIT
 * warm-up, the first few dozen calls of a view op are 10-100x slower), and a training step of a small network. Slow (and timing-sensitive on a shared
 * machine), so tagged "slow": {@code mvn -Pslow test -Dtest=FixedPaddingBenchmarkTest}.
 */
@Tag("slow")
class FixedPaddingBenchmarkTest {

    private static Layer runtimeLayer(PaddingMode mode) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).list()
                .layer(mode.layer(1))
                .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(1)
                        .activation(Activation.IDENTITY).build())
                .setInputType(InputType.convolutional(32, 32, 64)).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net.getLayer(0);
    }

    private static final int WARMUP = 30;
    private static final int ROUNDS = 21;

    /**
     * Median milliseconds of forward (training mode) + backward of each layer, with the arrays in a DL4J workspace as
     * during training, or without workspaces (then each fresh 9.5 MB output array costs more than the padding itself).
     * The upstream gradient (a copy: the fixed paddings' backward works in place) is made before the clock starts. The
     * layers are timed round-robin, so that load from other processes spreads over all of them.
     */
    private static double[] medianMillis(Layer[] layers, INDArray x, INDArray eps, boolean workspaces) {
        if (!workspaces) {
            LayerWorkspaceMgr none = LayerWorkspaceMgr.noWorkspaces();
            return medianMillis(layers, x, eps, none);
        }
        WorkspaceConfiguration wsConf = WorkspaceConfiguration.builder().initialSize(0).overallocationLimit(0.05)
                .policyLearning(LearningPolicy.FIRST_LOOP).policyReset(ResetPolicy.BLOCK_LEFT)
                .policySpill(SpillPolicy.REALLOCATE).policyAllocation(AllocationPolicy.OVERALLOCATE).build();
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.builder()
                .with(ArrayType.ACTIVATIONS, "LEARNPAD_BENCH", wsConf)
                .with(ArrayType.ACTIVATION_GRAD, "LEARNPAD_BENCH", wsConf)
                .defaultNoWorkspace().build();
        return medianMillis(layers, x, eps, mgr);
    }

    private static double[] medianMillis(Layer[] layers, INDArray x, INDArray eps, LayerWorkspaceMgr mgr) {
        double[][] t = new double[layers.length][ROUNDS];
        for (int r = -WARMUP; r < ROUNDS; r++) {
            for (int k = 0; k < layers.length; k++) {
                try (MemoryWorkspace ws = mgr.notifyScopeEntered(ArrayType.ACTIVATIONS)) {
                    INDArray epsWs = mgr.dup(ArrayType.ACTIVATION_GRAD, eps);
                    long start = System.nanoTime();
                    layers[k].setInput(x, mgr);
                    layers[k].activate(true, mgr);
                    layers[k].backpropGradient(epsWs, mgr);
                    if (r >= 0) {
                        t[k][r] = (System.nanoTime() - start) / 1e6;
                    }
                }
            }
        }
        double[] median = new double[layers.length];
        for (int k = 0; k < layers.length; k++) {
            Arrays.sort(t[k]);
            median[k] = t[k][ROUNDS / 2];
        }
        return median;
    }

    /** Median milliseconds of one training step (fit on one minibatch) of padding -> 3x3 conv 64->64 -> head. */
    private static double networkStepMillis(PaddingMode mode, INDArray x, INDArray y) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.FLOAT)
                .updater(new Sgd(0.01)).list()
                .layer(mode.layer(1))
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(64).activation(Activation.RELU).build())
                .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(1)
                        .activation(Activation.IDENTITY).build())
                .setInputType(InputType.convolutional(32, 32, 64)).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        double[] t = new double[5];
        for (int r = -2; r < t.length; r++) {
            long start = System.nanoTime();
            net.fit(x, y);
            if (r >= 0) {
                t[r] = (System.nanoTime() - start) / 1e6;
            }
        }
        Arrays.sort(t);
        return t[2];
    }

    @Test
    void comparedWithZeroPadding() {
        INDArray x = Nd4j.rand(DataType.FLOAT, 32, 64, 32, 32);
        INDArray eps = Nd4j.rand(DataType.FLOAT, 32, 64, 34, 34);
        INDArray y = Nd4j.rand(DataType.FLOAT, 32, 1);

        PaddingMode[] all = {PaddingMode.ZERO, PaddingMode.REFLECT, PaddingMode.REPLICATE, PaddingMode.CIRCULAR};
        Layer[] layers = new Layer[all.length];
        for (int k = 0; k < all.length; k++) {
            layers[k] = runtimeLayer(all[k]);
        }
        double worst = 0;
        for (boolean workspaces : new boolean[]{true, false}) {
            double[] ms = medianMillis(layers, x, eps, workspaces);
            double zero = ms[0];
            System.out.printf("FixedPaddingBenchmark, layer alone, (32,64,32,32) float, padding 1, fwd+bwd, %s:%n",
                    workspaces ? "in a workspace" : "no workspace");
            System.out.printf("  zero (DL4J ZeroPaddingLayer): %.2f ms%n", zero);
            for (int k = 1; k < all.length; k++) {
                worst = Math.max(worst, ms[k] / zero);
                System.out.printf("  %s: %.2f ms (%.2fx zero)%n", all[k].id(), ms[k], ms[k] / zero);
            }
        }

        double zeroNet = networkStepMillis(PaddingMode.ZERO, x, y);
        System.out.printf("FixedPaddingBenchmark, training step of padding -> conv3x3 64->64 -> head, batch 32:%n");
        System.out.printf("  zero: %.1f ms%n", zeroNet);
        double worstNet = 0;
        for (PaddingMode m : new PaddingMode[]{PaddingMode.REFLECT, PaddingMode.REPLICATE, PaddingMode.CIRCULAR}) {
            double step = networkStepMillis(m, x, y);
            worstNet = Math.max(worstNet, step / zeroNet);
            System.out.printf("  %s: %.1f ms (%.2fx zero)%n", m.id(), step, step / zeroNet);
        }
        // Regression guards, loose because other processes share the machine: a per-element Java loop would be
        // orders of magnitude slower.
        assertTrue(worst < 3, "fixed padding layer " + worst + "x slower than zero padding");
        assertTrue(worstNet < 1.5, "training step with fixed padding " + worstNet + "x slower than with zero padding");
    }
}
