package io.github.learnpad.layers;

import io.github.learnpad.layers.PaddingModule.Implementation;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.constraint.NonNegativeConstraint;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

import io.github.learnpad.Exact;

import static io.github.learnpad.Exact.assertIdentical;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Padding Module's contract against what a DL4J network may set globally (gradient normalisation, constraints),
 * DL4J's default workspaces, bad values from setters and JSON, {@code Layer.setParam}, and interrupts.
 */
class PaddingModuleContractTest {

    /** The classifier of PaddingModuleTrainingTest, with a global setting added by {@code global}. */
    private static MultiLayerNetwork classifier(PaddingModule pm, DataType dt,
            UnaryOperator<NeuralNetConfiguration.Builder> global) {
        NeuralNetConfiguration.Builder b = new NeuralNetConfiguration.Builder().seed(1).dataType(dt)
                .updater(new Nesterovs(0.05, 0.9));
        MultiLayerConfiguration conf = global.apply(b).list()
                .layer(pm)
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.RELU).build())
                .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(8, 8, 2))
                .build();
        assertEquals(WorkspaceMode.ENABLED, conf.getTrainingWorkspaceMode(), "DL4J's default workspaces");
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    /** Trains 5 steps; the predictor's weights start random (negative ones included), the same in every run. */
    private static MultiLayerNetwork trained(PaddingModule pm, DataType dt,
            UnaryOperator<NeuralNetConfiguration.Builder> global) {
        MultiLayerNetwork net = classifier(pm, dt, global);
        PaddingModuleTest.randomise(net.getLayer(0), 3);
        for (int i = 0; i < 5; i++) {
            net.fit(PaddingModuleTrainingTest.data(i, 6, 2, 8, 8, false));
        }
        return net;
    }

    /**
     * The module is the first layer, so its local loss sees the data only: whatever the network does to its own
     * gradients, the predictor must end bit-for-bit where a plain network's ends.
     */
    @Test
    void globalGradientNormalisationNeverReachesThePredictor() {
        PaddingModule pm = new PaddingModule.Builder().padding(1).build();
        MultiLayerNetwork plain = trained(pm.clone(), DataType.FLOAT, b -> b);
        for (GradientNormalization gn : new GradientNormalization[]{GradientNormalization.ClipElementWiseAbsoluteValue,
                GradientNormalization.ClipL2PerLayer, GradientNormalization.RenormalizeL2PerLayer,
                GradientNormalization.RenormalizeL2PerParamType}) {
            MultiLayerNetwork clipped = trained(pm.clone(), DataType.FLOAT,
                    b -> b.gradientNormalization(gn).gradientNormalizationThreshold(1e-7));
            assertFalse(Exact.identical(plain.getLayer(1).params(), clipped.getLayer(1).params()),
                    gn + " must change how the rest of the network trains");
            assertIdentical(plain.getLayer(0).params(), clipped.getLayer(0).params(), gn + ": predictor");
            assertEquals(GradientNormalization.None,
                    clipped.getLayer(0).conf().getLayer().getGradientNormalization(), gn.toString());
        }
    }

    /**
     * {@code constrainAllParameters} / {@code constrainWeights} / {@code constrainBias}: the network builds (DL4J asks
     * for parameter keys before the channel count is known), and the predictor keeps its negative weights.
     */
    @Test
    void globalConstraintsBuildAndNeverTouchThePredictor() {
        MultiLayerNetwork plain = trained(new PaddingModule.Builder().padding(1).build(), DataType.FLOAT, b -> b);
        assertTrue(plain.getLayer(0).params().minNumber().doubleValue() < 0, "the predictor has negative weights");
        for (long channels : new long[]{0, 2}) { // unknown before setInputType, or given to the Builder
            PaddingModule pm = new PaddingModule.Builder().padding(1).nChannels(channels).build();
            MultiLayerNetwork constrained = trained(pm, DataType.FLOAT, b -> b
                    .constrainAllParameters(new NonNegativeConstraint())
                    .constrainWeights(new NonNegativeConstraint())
                    .constrainBias(new NonNegativeConstraint()));
            assertNull(constrained.getLayer(0).conf().getLayer().getConstraints());
            assertTrue(constrained.getLayer(1).params().minNumber().doubleValue() >= 0, "the conv is constrained");
            assertIdentical(plain.getLayer(0).params(), constrained.getLayer(0).params(),
                    "predictor, nChannels " + channels);
        }
    }

    /**
     * The SAMEDIFF reference inside fit() under DL4J's default workspaces gives the FAST path's training. Tolerance
     * 1e-8 (DOUBLE): the two sum in different orders, and rounding differences of ~1e-16 grow over 5 steps of
     * momentum SGD and Adam (measured 1.5e-10); a wrong or missing gradient term differs by 1e-4 or more.
     */
    @Test
    void sameDiffReferenceTrainsInsideFitWithWorkspaces() {
        Implementation[] impls = {Implementation.FAST, Implementation.SAMEDIFF};
        MultiLayerNetwork[] nets = new MultiLayerNetwork[impls.length];
        for (int i = 0; i < impls.length; i++) {
            Implementation impl = impls[i];
            PaddingModule pm = new PaddingModule.Builder().padding(2, 1, 1, 2).implementation(impl).build();
            MultiLayerNetwork net = trained(pm, DataType.DOUBLE, b -> b);
            nets[i] = net;
            assertFalse(Double.isNaN(LocalLosses.last(net.getLayer(0))), impl.toString());
        }
        INDArray fast = nets[0].params(), sd = nets[1].params();
        double diff = fast.sub(sd).amaxNumber().doubleValue();
        assertTrue(diff < 1e-8, "FAST vs SAMEDIFF parameters after 5 fit() steps: " + diff);
        assertEquals(LocalLosses.last(nets[0].getLayer(0)), LocalLosses.last(nets[1].getLayer(0)),
                1e-10);
    }

    @Test
    void sameDiffReferenceRefusesNaNAndInf() {
        MultiLayerNetwork net = classifier(new PaddingModule.Builder().padding(1).implementation(Implementation.SAMEDIFF)
                .build(), DataType.DOUBLE, b -> b);
        net.fit(PaddingModuleTrainingTest.data(1, 4, 2, 8, 8, false));
        INDArray before = net.getLayer(0).params().dup();
        for (double bad : new double[]{Double.NaN, Double.POSITIVE_INFINITY}) {
            DataSet d = PaddingModuleTrainingTest.data(2, 4, 2, 8, 8, false);
            d.getFeatures().putScalar(new long[]{1, 1, 0, 3}, bad);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net.fit(d));
            assertTrue(e.getMessage().contains("NaN or Inf"), e.getMessage());
            assertIdentical(before, net.getLayer(0).params(), "a rejected batch must not change the predictor");
        }
    }

    @Test
    void settersAndJsonRefuseBadValues() {
        PaddingModule pm = new PaddingModule.Builder().padding(1).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> pm.setLeft(-2));
        assertTrue(e.getMessage().contains("negative padding -2 for side left"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> pm.setKernelWidth(4));
        assertTrue(e.getMessage().contains("kernelWidth must be odd"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> pm.setContextDepth(0));
        assertTrue(e.getMessage().contains("contextDepth"), e.getMessage());
        assertThrows(NullPointerException.class, () -> pm.setPredictorUpdater(null));
        assertEquals(1, pm.getLeft(), "a refused value is not kept");

        String json = classifier(pm, DataType.FLOAT, b -> b).getLayerWiseConfigurations().toJson();
        assertEquals(1, json.split("\"top\" : 1,").length - 1, json);
        String bad = json.replace("\"top\" : 1,", "\"top\" : -3,");
        Throwable t = assertThrows(RuntimeException.class, () -> MultiLayerConfiguration.fromJson(bad));
        StringBuilder messages = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            messages.append(c.getMessage()).append('\n');
        }
        assertTrue(messages.toString().contains("negative padding -3 for side top"), messages.toString());
    }

    /** {@code Layer.setParam} sets the weights: getParam returns them and the output follows them. */
    @Test
    void setParamSetsTheWeights() {
        MultiLayerNetwork net = PaddingModuleTest.net(new PaddingModule.Builder().padding(1, 0, 0, 0)
                .kernelWidth(1).contextDepth(1).build(), 1, 3, 4, DataType.DOUBLE);
        Layer layer = net.getLayer(0);
        INDArray x = PaddingModuleTest.rand(1, DataType.DOUBLE, 1, 1, 3, 4);
        INDArray w = Nd4j.valueArrayOf(new long[]{1, 1, 1}, -1.0, DataType.DOUBLE);
        layer.setParam("topW", w);
        layer.setParam("topB", Nd4j.valueArrayOf(new long[]{1}, 0.5, DataType.DOUBLE));
        assertIdentical(w, layer.getParam("topW"), "getParam after setParam");
        INDArray y = PaddingModuleTest.forward(net, x, false);
        for (int j = 0; j < 4; j++) {
            assertEquals(0.5 - x.getDouble(0, 0, 0, j), y.getDouble(0, 0, 0, j), 0.0, "top row at " + j);
        }
        assertThrows(IllegalArgumentException.class, () -> layer.setParam("topW", Nd4j.zeros(DataType.DOUBLE, 2, 1, 1)));
        assertThrows(IllegalArgumentException.class, () -> layer.setParam("leftW", w));
    }

    /**
     * An interrupted pass must not return while a helper thread still runs a partition (it would write into
     * workspace memory DL4J reuses at once). Without the fix the first InterruptedException made every later wait
     * return at once.
     */
    @Test
    void anInterruptedPassWaitsForItsHelpers() throws Exception {
        int saved = Nd4j.getEnvironment().maxMasterThreads();
        Nd4j.getEnvironment().setMaxMasterThreads(2);
        try {
            assumeTrue(Partitions.threads() >= 2, "needs 2 threads");
            AtomicInteger running = new AtomicInteger();
            CountDownLatch helperStarted = new CountDownLatch(1);
            AtomicInteger runningAtReturn = new AtomicInteger(-1);
            Thread caller = new Thread(() -> {
                try {
                    Partitions.run(8, p -> {
                        running.incrementAndGet();
                        boolean helper = Thread.currentThread().getName().startsWith("learnpad-padding-");
                        if (helper) {
                            helperStarted.countDown();
                            spin(300);
                        } else {
                            await(helperStarted);
                            Thread.currentThread().interrupt(); // as if someone interrupted the caller now
                        }
                        running.decrementAndGet();
                    });
                } catch (IllegalStateException expected) {
                    // reported after all helpers stopped
                } finally {
                    runningAtReturn.set(running.get());
                }
            });
            caller.start();
            caller.join(TimeUnit.SECONDS.toMillis(30));
            assertEquals(0, runningAtReturn.get(), "partitions still running when Partitions.run returned");
        } finally {
            Nd4j.getEnvironment().setMaxMasterThreads(saved);
        }
    }

    private static void spin(long millis) {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }

    private static void await(CountDownLatch latch) {
        boolean interrupted = Thread.interrupted();
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            interrupted = true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
